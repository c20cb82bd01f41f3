"""`python -m bench [names...]`: run benchmarks, print them, update the docs."""

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Callable

from . import eligible_import, export, webhook
from .common import Options, Result
from .report import Run, print_result, print_summary, write_docs
from .server import LOG_DIR

BENCHMARKS: dict[str, Callable[[Options], Result]] = {
    webhook.NAME: webhook.run,
    eligible_import.NAME: eligible_import.run,
    export.NAME: export.run,
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run Kyufu's benchmarks on loopback and update docs/benchmarks.md.",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="name",
        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller sizes")
    size.add_argument(
        "--full", action="store_true", help="target sizes everywhere (slower)"
    )
    parser.add_argument(
        "--workers", type=int, help="webhook: gunicorn worker processes (2)"
    )
    parser.add_argument(
        "--threads", type=int, help="webhook: threads per gunicorn worker (8)"
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md"
    )
    parser.add_argument(
        "--render-docs",
        action="store_true",
        help="run nothing; rewrite docs/benchmarks.md from the figures in it",
    )
    parser.add_argument(
        "--keep-databases",
        action="store_true",
        help="keep the kyufu_bench_* databases afterwards",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - BENCHMARKS.keys())
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}")
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    options = Options(
        quick=args.quick,
        full=args.full,
        keep_databases=args.keep_databases,
        workers=args.workers,
        threads=args.threads,
    )
    if args.render_docs:
        write_docs([], None)
        return 0
    names = args.names or list(BENCHMARKS)
    command = shlex.join(["python", "-m", "bench", *argv])
    results: list[Result] = []
    for name in names:
        load_before = os.getloadavg()
        print(f"\n== {name} ==", flush=True)
        result = BENCHMARKS[name](options)
        print_result(result)
        results.append(result)
        if not args.no_docs:
            write_docs([result], Run.now(command, load_before))
    print_summary(results)
    _save_raw(results)
    if not args.no_docs:
        print("\ndocs/benchmarks.md updated")
    missed = [r.name for r in results if r.met is False]
    if missed:
        print(f"missed a target: {', '.join(missed)}")
    return 0


def _save_raw(results: list[Result]) -> None:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = LOG_DIR / f"results-{stamp}.json"
    path.write_text(json.dumps([r.as_dict() for r in results], indent=1))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
