# Shortcuts for scripts/dev, which is what the README documents.
.PHONY: demo test bench setup
demo:
	scripts/dev demo
test:
	scripts/dev test
bench:
	scripts/dev bench
setup:
	scripts/dev setup
