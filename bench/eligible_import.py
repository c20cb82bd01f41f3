"""Eligible-list import: a registry CSV into the programme's eligible list.

A cp932 file (as registry systems export it) with 宛名番号, 氏名, フリガナ,
生年月日 and 住所, a few furigana with full-width spaces or in half-width
katakana and a few birth dates in other formats, is imported with
`import_eligible_list` into an empty programme on PostgreSQL. The reference
reads the same bytes with the csv module (decode, then count the rows).
"""

import csv
import io
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .child import peak_rss_bytes
from .common import (
    Figure,
    Options,
    Result,
    drop_database,
    megabytes,
    recreate_database,
    run_child,
    say,
    seconds,
    stopwatch,
    thousands,
)
from .fakedata import (
    ERA_DATE_SHARE,
    FULL_WIDTH_SPACE_SHARE,
    HALF_WIDTH_KANA_SHARE,
    ISO_DATE_SHARE,
    Residents,
)

NAME = "import"
DATABASE = "kyufu_bench_import"
TARGET_ROWS = 1_000_000
TARGET_SECONDS = 60.0
ENCODING = "cp932"
HEADER = ("宛名番号", "氏名", "フリガナ", "生年月日", "住所")


def rows_for(options: Options) -> int:
    if options.quick:
        return 50_000
    return TARGET_ROWS if options.full else 200_000


# --- The file ----------------------------------------------------------------


def write_registry_csv(path: Path, rows: int) -> None:
    """A registry export of `rows` residents, CRLF, encoded as cp932."""
    residents = Residents(seed=rows)
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            person = residents.next()
            writer.writerow(
                (
                    f"{number:010d}",
                    person.full_name,
                    residents.registry_furigana(person.furigana),
                    residents.registry_date(person.birth_date),
                    person.address,
                )
            )


# --- In the child process (Django, the benchmark database) ------------------


def measure_import(path: str) -> dict[str, Any]:
    """Time the reference, then the import, in a fresh process."""
    data = Path(path).read_bytes()
    reference = _time(lambda: _csv_module_rows(data))
    programme = _programme()
    imported = _time(lambda: _import(programme, data, path))
    return {
        "bytes": len(data),
        "reference": reference,
        "import": imported,
        "rss_peak": peak_rss_bytes(),
        "stored": _stored(programme),
    }


def measure_parse(path: str) -> dict[str, Any]:
    """Time the importer's reading and checking alone, in a fresh process
    (its caches start cold, as in the import)."""
    data = Path(path).read_bytes()
    return _time(lambda: _parsed_rows(data))


def _time(work: Any) -> dict[str, float]:
    started = time.perf_counter()
    rows = work()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def _csv_module_rows(data: bytes) -> int:
    text = data.decode(ENCODING)
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1


def _parsed_rows(data: bytes) -> int:
    from kyufu.eligibility.importer import EligibleRow, decode, read_rows

    text, _encoding = decode(data)
    return sum(1 for row in read_rows(text) if isinstance(row, EligibleRow))


def _import(programme: Any, data: bytes, path: str) -> int:
    from kyufu.eligibility.services import import_eligible_list

    imported = import_eligible_list(
        programme, data, file_name=Path(path).name, actor=None
    )
    if imported.status != "succeeded":
        raise RuntimeError(f"import failed: {imported.errors[:5]}")
    return int(imported.row_count)


def _stored(programme: Any) -> int:
    from kyufu.eligibility.models import EligiblePerson

    return EligiblePerson.objects.filter(programme=programme).count()


def _programme() -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from kyufu.intake.catalog import default_form_definition
    from kyufu.intake.models import Form
    from kyufu.programmes.models import Programme
    from kyufu.tenants.models import Municipality

    municipality = Municipality.objects.create(code="999991", name="かもめ市")
    form = Form.objects.create(
        municipality=municipality,
        name="申請フォーム",
        definition=default_form_definition(),
    )
    now = timezone.now()
    return Programme.objects.create(
        municipality=municipality,
        form=form,
        name="子育て応援給付金",
        budget_yen=10_000_000_000,
        amount_yen=10_000,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )


# --- The run -----------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    rows: int
    bytes: int
    reference: float
    parse: float
    imported: float
    rss_peak: int
    stored: int


def run(options: Options) -> Result:
    rows = rows_for(options)
    with stopwatch() as elapsed, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"eligible_{rows}.csv"
        with stopwatch() as writing:
            write_registry_csv(path, rows)
        say(
            f"wrote {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB "
            f"({ENCODING}) in {writing[0]:.1f} s"
        )
        url = recreate_database(DATABASE)
        try:
            raw = run_child(url, "bench.eligible_import:measure_import", path=str(path))
            raw["parse"] = run_child(
                url, "bench.eligible_import:measure_parse", path=str(path)
            )
        finally:
            if not options.keep_databases:
                drop_database(DATABASE)
    measured = Measured(
        rows=rows,
        bytes=raw["bytes"],
        reference=raw["reference"]["seconds"],
        parse=raw["parse"]["seconds"],
        imported=raw["import"]["seconds"],
        rss_peak=raw["rss_peak"],
        stored=raw["stored"],
    )
    say(
        f"import {measured.imported:.1f} s, parse alone {measured.parse:.1f} s, "
        f"csv module {measured.reference:.2f} s, {measured.stored:,} rows stored"
    )
    return _result(measured, elapsed[0])


def _result(m: Measured, elapsed: float) -> Result:
    full = m.rows >= TARGET_ROWS
    projected = m.imported * TARGET_ROWS / m.rows
    target = f"≤ {TARGET_SECONDS:.0f} s"
    figures = [
        Figure(
            f"time for {m.rows:,} rows",
            seconds(m.imported),
            seconds(m.reference),
            target if full else "—",
            m.imported <= TARGET_SECONDS if full else None,
        ),
        Figure(
            "rows/s",
            thousands(m.rows / m.imported),
            thousands(m.rows / m.reference),
        ),
    ]
    if not full:
        figures.append(
            Figure(
                f"time for {TARGET_ROWS:,} rows (projected, linear)",
                seconds(projected),
                seconds(m.reference * TARGET_ROWS / m.rows),
                target,
                projected <= TARGET_SECONDS,
            )
        )
    figures += [
        Figure(
            "parsing and checking alone (no database, own process)",
            seconds(m.parse),
        ),
        Figure("peak memory of the importing process", megabytes(m.rss_peak)),
        Figure(
            "rows stored",
            f"{m.stored:,} of {m.rows:,}",
            target="all",
            met=m.stored == m.rows,
        ),
    ]
    notes = [
        f"File: {m.rows:,} rows, {m.bytes / 1e6:,.0f} MB, {ENCODING}, CRLF; "
        f"furigana: {FULL_WIDTH_SPACE_SHARE:.0%} with a full-width space, "
        f"{HALF_WIDTH_KANA_SHARE:.0%} in half-width katakana; birth dates as "
        f"1985/04/12, {ISO_DATE_SHARE:.0%} as 1985-04-12, {ERA_DATE_SHARE:.0%} as "
        "昭和60年4月12日.",
        "Reference: decode the same bytes and count the rows with csv.reader.",
    ]
    if not full:
        notes.append(
            "The 1,000,000-row figure is a linear projection; "
            "`python -m bench import --full` measures it."
        )
    return Result(
        NAME, "Eligible-list import", f"{m.rows:,} rows", elapsed, figures, notes
    )
