"""Runs one benchmark step under Django: `python -m bench.child mod:fn JSON`.

The parent (bench.common.run_child) sets DATABASE_URL to the benchmark's own
database; the step's dict result is printed as JSON on the last line.
"""

import importlib
import json
import resource
import sys

import django


def peak_rss_bytes() -> int:
    """This process's peak resident set size (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str]) -> None:
    target, arguments = argv
    django.setup()
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(**json.loads(arguments))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
