"""The printed tables and docs/benchmarks.md, written from measured results.

The document is generated, never edited by hand: it ends with the results
as JSON in an HTML comment, so a run of some benchmarks keeps the latest
figures of the others.
"""

import json
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .common import ROOT, Result, server_version

DOCS = ROOT / "docs" / "benchmarks.md"
_RESULTS = re.compile(r"<!-- bench-results\n(.*?)\n-->", re.DOTALL)


@dataclass(frozen=True)
class Run:
    """Where and how a result was measured."""

    date: str
    command: str
    machine: str
    load: str

    @classmethod
    def now(cls, command: str, load_before: Sequence[float]) -> "Run":
        return cls(
            date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            command=command,
            machine=machine(),
            load=_load_text(load_before),
        )


def machine() -> str:
    return (
        f"{os.cpu_count()} cores ({_cpu_model()}), {_memory_gb():.0f} GB RAM, "
        f"Linux {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {server_version()}"
    )


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _load_text(before: Sequence[float]) -> str:
    after = os.getloadavg()
    return f"{before[0]:.1f} before, {after[0]:.1f} after (1-minute load average)"


# --- Terminal ----------------------------------------------------------------


def _verdict(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def print_result(result: Result) -> None:
    rows = [["", "Kyufu", "reference", "target", "met"]]
    rows += [
        [f.what, f.ours, f.reference, f.target, _verdict(f.met)] for f in result.figures
    ]
    print(f"\n{result.title} ({result.size}, {result.seconds:.0f} s)")
    print(_table(rows))
    for note in result.notes:
        print(f"  - {note}")


def print_summary(results: list[Result]) -> None:
    rows = [["benchmark", "what", "Kyufu", "reference", "target", "met"]]
    for result in results:
        rows += [
            [result.name, f.what, f.ours, f.reference, f.target, _verdict(f.met)]
            for f in result.figures
            if f.met is not None
        ]
    print("\nSummary")
    print(_table(rows))


# --- docs/benchmarks.md -------------------------------------------------------


def write_docs(results: list[Result], run: Run | None, path: Path = DOCS) -> None:
    """Merge these results into the document's and render it again."""
    stored = _stored(path)
    if results and run is None:
        raise ValueError("results need the run that measured them")
    for result in results:
        stored[result.name] = {"result": result.as_dict(), "run": vars(run)}
    order = ["webhook", "import", "export"]
    names = sorted(stored, key=lambda n: order.index(n) if n in order else 99)
    entries = [
        (Result.from_dict(dict(stored[n]["result"])), Run(**stored[n]["run"]))
        for n in names
    ]
    path.write_text(_render(entries, stored))


def _stored(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    match = _RESULTS.search(path.read_text())
    return json.loads(match[1]) if match else {}


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _render(entries: list[tuple[Result, Run]], stored: dict[str, Any]) -> str:
    parts = [HEADER, "## Summary", ""]
    parts.append(_md_row(["benchmark", "what", "Kyufu", "reference", "target", "met"]))
    parts.append(_md_row(["---"] * 6))
    for result, _run in entries:
        for f in result.figures:
            if f.met is not None:
                cells = [result.title, f.what, f.ours, f.reference, f.target]
                parts.append(_md_row([*cells, _verdict(f.met)]))
    parts.append("")
    for result, run in entries:
        parts += _section(result, run)
    parts += [
        HOW_TO_RUN,
        f"<!-- bench-results\n{json.dumps(stored, indent=1)}\n-->",
        "",
    ]
    return "\n".join(parts)


def _section(result: Result, run: Run) -> list[str]:
    lines = [
        f"## {result.title}",
        "",
        f"Measured {run.date} with `{run.command}` ({result.size}; "
        f"{result.seconds:.0f} s).  ",
        f"Machine: {run.machine}.  ",
        f"Load: {run.load}.",
        "",
        _md_row(["", "Kyufu", "reference", "target", "met"]),
        _md_row(["---"] * 5),
    ]
    lines += [
        _md_row([f.what, f.ours, f.reference, f.target, _verdict(f.met)])
        for f in result.figures
    ]
    lines.append("")
    lines += [f"- {note}" for note in result.notes]
    lines.append("")
    return lines


HEADER = """# Benchmarks

Generated by `python -m bench`; do not edit by hand, run it again. Every
figure below was printed by the run named in its section, beside a reference
measured in the same run and the target from PRODUCT.md ("Scale and speed").
"Projected" figures are linear extrapolations from a smaller run and are
labelled so. Other work on the machine slows both columns: each section gives
the 1-minute load average as its benchmark started and ended (the
benchmark's own client, server and PostgreSQL processes count in the second
figure).
"""

HOW_TO_RUN = """## How to run

```sh
scripts/dev bench                 # or: make bench; all three, ~6 min on 2 cores
.venv/bin/python -m bench webhook # only some: webhook, import, export
.venv/bin/python -m bench --quick # smaller sizes, ~2.5 min
.venv/bin/python -m bench --full  # 1,000,000 import rows measured, not projected,
                                  # and 60 s webhook loads; slower
```

Options: `--no-docs` leaves this file alone, `--render-docs` only rewrites it
from the figures stored at its end, `--keep-databases` keeps the
`kyufu_bench_*` databases for a look afterwards, `--workers N --threads M`
change gunicorn's shape for the webhook benchmark. Run it on an otherwise
idle machine: the client, the server and PostgreSQL share its cores.

PostgreSQL is reached at `KYUFU_BENCH_POSTGRES_URL` (default
`postgres://postgres@127.0.0.1:5432/postgres`, loopback only); each
benchmark drops and creates its own `kyufu_bench_<name>` database, migrates
it with `manage.py migrate`, and drops it at the end. The `test` database is
never touched. gunicorn logs and raw results go to `bench/results/`.

What each benchmark does:

- **webhook**: Kyufu under gunicorn (`bench.settings`, which adds the bare
  reference view at `/bench/bare/`), no task worker; pre-signed one-event
  bodies with unique `webhookEventId`s sent from two client processes over
  keep-alive connections: a closed loop (throughput), then open loops at half
  of Kyufu's closed-loop rate and at 1,000 requests/s (latency from when each
  request was due); the same bodies go to the bare view. Afterwards every
  event sent must be stored exactly once.
- **import**: a generated cp932 registry CSV imported with
  `kyufu.eligibility.services.import_eligible_list` into an empty programme;
  reference: decoding it and counting rows with `csv.reader`.
- **export**: applications (with payouts for the paid and matched ones)
  generated inside PostgreSQL, then `staff:applications_csv` streamed to its
  end through Django's test client; reference: `COPY (SELECT ...) TO STDOUT`
  of the same rows.
"""
