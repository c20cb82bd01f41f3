"""Kyufu's benchmarks: `python -m bench [names...]` (also `scripts/dev bench`).

Each benchmark runs on loopback against its own PostgreSQL database, prints
Kyufu's figure beside a reference measured in the same run and the target
from PRODUCT.md ("Scale and speed"), and the run rewrites docs/benchmarks.md.

The orchestrating process never sets Django up: everything that needs the
ORM runs in a child process (`bench.child`) pointed at the benchmark's
database, so the benchmarks cannot touch any other database.
"""
