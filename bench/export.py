"""CSV export of applications: time and peak memory of the streamed download.

Applications (with payouts for the paid and matched ones, as the export
joins them) are generated inside PostgreSQL, then a case worker downloads
`staff:applications_csv` through Django's test client in a fresh process,
reading the StreamingHttpResponse to the end. The reference is PostgreSQL's
own `COPY (SELECT ...) TO STDOUT` of the same rows and columns, read through
psycopg.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .child import peak_rss_bytes
from .common import (
    MB,
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
from .fakedata import GIVEN_NAMES, SURNAMES

NAME = "export"
DATABASE = "kyufu_bench_export"
TARGET_ROWS = 1_000_000
TARGET_SECONDS = 30.0
TARGET_MEMORY = 300 * MB
USERNAME = "bench-case-worker"


def rows_for(options: Options) -> int:
    return 100_000 if options.quick else TARGET_ROWS


# --- In the child processes (Django, the benchmark database) ----------------


def seed(rows: int) -> dict[str, Any]:
    """Applications, eligible people and payouts, generated in the database."""
    from django.contrib.auth.models import User
    from django.db import connection

    from kyufu.eligibility.models import EligiblePerson
    from kyufu.intake.models import Application
    from kyufu.payouts.models import Payout
    from kyufu.tenants.models import StaffMembership

    from .eligible_import import _programme

    programme = _programme()
    user = User.objects.create_user(USERNAME)
    StaffMembership.objects.create(
        user=user, municipality=programme.municipality, role="case_worker"
    )
    surnames = [pair.split(":") for pair in SURNAMES.split()]
    given = [pair.split(":") for pair in GIVEN_NAMES.split()]
    params = {
        "programme": programme.pk,
        "rows": rows,
        "surnames": [kanji for kanji, _ in surnames],
        "surnames_kana": [kana for _, kana in surnames],
        "given": [kanji for kanji, _ in given],
        "given_kana": [kana for _, kana in given],
    }
    tables = {
        "application": Application._meta.db_table,
        "person": EligiblePerson._meta.db_table,
        "payout": Payout._meta.db_table,
    }
    steps = {
        "applications": (_APPLICATIONS.format(**tables), params),
        "eligible people": (_PEOPLE.format(**tables), None),
        "payouts": (_PAYOUTS.format(**tables), None),
    }
    timings = {}
    began = time.perf_counter()
    with connection.cursor() as cursor, _bulk_loading(cursor, tables.values()):
        cursor.execute("SELECT setseed(0.2026)")
        for step, (sql, step_params) in steps.items():
            started = time.perf_counter()
            cursor.execute(sql, step_params)
            timings[step] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
    timings["indexes, vacuum"] = round(time.perf_counter() - started, 1)
    return {
        "seconds": time.perf_counter() - began,
        "steps": timings,
        "applications": Application.objects.count(),
        "payouts": Payout.objects.count(),
    }


@contextmanager
def _bulk_loading(cursor: Any, tables: Iterable[str]) -> Iterator[None]:
    """Load like a restore: secondary indexes built afterwards, foreign keys
    not checked row by row (the rows are consistent by construction)."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    yield
    cursor.execute("SET session_replication_role = DEFAULT")
    for _name, definition in indexes:
        cursor.execute(definition)
    cursor.execute("VACUUM ANALYZE")


_APPLICATIONS = """
WITH picks AS (
    SELECT g,
           1 + floor(random() * cardinality(%(surnames)s::text[]))::int AS s,
           1 + floor(random() * cardinality(%(given)s::text[]))::int AS n,
           random() AS roll,
           now() - interval '14 days' * random() AS at,
           date '1925-04-01' + floor(random() * 36500)::int AS born
    FROM generate_series(1, %(rows)s) AS g
), named AS (
    SELECT g, roll, at, born,
           (%(surnames)s::text[])[s] || '　' || (%(given)s::text[])[n] AS name,
           (%(surnames_kana)s::text[])[s] || ' ' || (%(given_kana)s::text[])[n]
               AS kana
    FROM picks
)
INSERT INTO {application} (
    programme_id, line_user_id, status, answers, full_name, furigana,
    birth_date, eligible_person_id, match_note, created_at, submitted_at,
    updated_at
)
SELECT %(programme)s, NULL,
       CASE WHEN roll < 0.30 THEN 'paid' WHEN roll < 0.65 THEN 'matched'
            WHEN roll < 0.75 THEN 'needs_review'
            WHEN roll < 0.85 THEN 'not_eligible'
            WHEN roll < 0.90 THEN 'duplicate'
            WHEN roll < 0.95 THEN 'submitted' ELSE 'in_progress' END,
       jsonb_build_object('full_name', name, 'furigana', kana,
                          'birth_date', born::text, 'consent', true,
                          'phone', '090' || lpad((g %% 100000000)::text, 8, '0')),
       name, kana, born, NULL, '', at,
       CASE WHEN roll < 0.95 THEN at + interval '3 minutes' END, at
FROM named ORDER BY g
"""

_PEOPLE = """
INSERT INTO {person} (
    programme_id, resident_code, full_name, furigana, furigana_key,
    birth_date, address, source_import_id
)
SELECT programme_id, lpad(id::text, 10, '0'), full_name, furigana,
       replace(furigana, ' ', ''), birth_date, 'かもめ市中央1丁目1番1号', NULL
FROM {application} WHERE status IN ('paid', 'matched') ORDER BY id
"""

_PAYOUTS = """
INSERT INTO {payout} (
    programme_id, application_id, eligible_person_id, amount_yen, method,
    status, request_id, provider_reference, claim_code, code_expires_at,
    attempts, last_error, claimed_at, outbound_id, created_at, issued_at,
    delivered_at
)
SELECT a.programme_id, a.id, p.id, 10000, 'amazon_gift',
       CASE a.status WHEN 'paid' THEN 'delivered' ELSE 'reserved' END,
       'KYUFU-' || a.id, '', NULL, NULL, 1, '', NULL, NULL, a.submitted_at,
       CASE a.status WHEN 'paid' THEN a.submitted_at END,
       CASE a.status WHEN 'paid' THEN a.submitted_at END
FROM {person} p JOIN {application} a ON a.id = p.resident_code::bigint
ORDER BY a.id
"""


def measure_export() -> dict[str, Any]:
    """Download the CSV as a case worker, reading the stream to its end."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=USERNAME))
    url = reverse("staff:applications_csv")
    # Warm up (imports, middleware, catalogs) on a filter that matches nothing.
    b"".join(_stream(client.get(url, {"status": "cancelled"})))
    rss_before = peak_rss_bytes()
    started = time.perf_counter()
    response = client.get(url)
    first, size, lines = _read(_stream(response), started)
    response.close()
    return {
        "seconds": time.perf_counter() - started,
        "first_byte": first,
        "bytes": size,
        "lines": lines,
        "rss_before": rss_before,
        "rss_peak": peak_rss_bytes(),
    }


def measure_copy() -> dict[str, Any]:
    """The reference: COPY of the export's rows and columns to STDOUT."""
    from django.db import connection

    from kyufu.intake.models import Application
    from kyufu.payouts.models import Payout
    from kyufu.programmes.models import Programme

    query = _COPY.format(
        application=Application._meta.db_table,
        payout=Payout._meta.db_table,
        programme=Programme._meta.db_table,
    )
    rss_before = peak_rss_bytes()
    started = time.perf_counter()
    size = lines = 0
    with connection.cursor() as cursor, cursor.copy(query) as copy:
        for block in copy:
            size += len(block)
            lines += bytes(block).count(b"\n")
    return {
        "seconds": time.perf_counter() - started,
        "bytes": size,
        "lines": lines,
        "rss_before": rss_before,
        "rss_peak": peak_rss_bytes(),
    }


_COPY = """
COPY (
    SELECT a.id, a.status, a.full_name, a.furigana, a.birth_date,
           to_char(a.submitted_at AT TIME ZONE 'Asia/Tokyo',
                   'YYYY-MM-DD HH24:MI:SS'),
           p.status, p.amount_yen
    FROM {application} a
    JOIN {programme} g ON g.id = a.programme_id
    LEFT JOIN {payout} p ON p.application_id = a.id
    WHERE g.municipality_id = (SELECT min(municipality_id) FROM {programme})
    ORDER BY a.id
) TO STDOUT (FORMAT csv, HEADER)
"""


def _stream(response: object) -> Iterator[bytes]:
    from django.http import StreamingHttpResponse

    if not isinstance(response, StreamingHttpResponse):
        raise RuntimeError(f"export did not stream: {response}")
    if response.status_code != 200:
        raise RuntimeError(f"export answered {response.status_code}")
    return iter(response.streaming_content)  # type: ignore[arg-type]


def _read(chunks: Iterable[bytes], started: float) -> tuple[float, int, int]:
    first = 0.0
    size = lines = 0
    for chunk in chunks:
        if not first:
            first = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    return first, size, lines


# --- The run -----------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    rows: int
    ours: dict[str, Any]
    reference: dict[str, Any]


def run(options: Options) -> Result:
    rows = rows_for(options)
    with stopwatch() as elapsed:
        url = recreate_database(DATABASE)
        try:
            seeded = run_child(url, "bench.export:seed", rows=rows)
            say(
                f"generated {seeded['applications']:,} applications and "
                f"{seeded['payouts']:,} payouts in {seeded['seconds']:.1f} s "
                f"{seeded['steps']}"
            )
            reference = run_child(url, "bench.export:measure_copy")
            say(f"COPY TO STDOUT: {reference['seconds']:.1f} s")
            ours = run_child(url, "bench.export:measure_export")
            say(
                f"Kyufu CSV: {ours['seconds']:.1f} s, {ours['bytes'] / 1e6:,.0f} MB, "
                f"peak RSS {megabytes(ours['rss_peak'])}"
            )
        finally:
            if not options.keep_databases:
                drop_database(DATABASE)
    return _result(Measured(rows, ours, reference), elapsed[0])


def _result(m: Measured, elapsed: float) -> Result:
    ours, reference = m.ours, m.reference
    full = m.rows >= TARGET_ROWS
    projected = ours["seconds"] * TARGET_ROWS / m.rows
    complete = ours["lines"] == m.rows + 1 == reference["lines"]
    figures = [
        Figure(
            f"time for {m.rows:,} rows" + ("" if full else " (measured)"),
            seconds(ours["seconds"]),
            seconds(reference["seconds"]),
            f"≤ {TARGET_SECONDS:.0f} s" if full else "—",
            projected <= TARGET_SECONDS if full else None,
        ),
        Figure(
            "rows/s",
            thousands(m.rows / ours["seconds"]),
            thousands(m.rows / reference["seconds"]),
        ),
        Figure(
            "peak memory (RSS) of the process",
            megabytes(ours["rss_peak"]),
            megabytes(reference["rss_peak"]),
            f"≤ {megabytes(TARGET_MEMORY)}",
            ours["rss_peak"] <= TARGET_MEMORY,
        ),
        Figure(
            "of which grown during the export",
            megabytes(ours["rss_peak"] - ours["rss_before"]),
            megabytes(reference["rss_peak"] - reference["rss_before"]),
        ),
        Figure("first byte after", f"{ours['first_byte'] * 1000:,.0f} ms"),
        Figure(
            "size; lines (header + rows)",
            f"{ours['bytes'] / 1e6:,.1f} MB; {ours['lines']:,}",
            f"{reference['bytes'] / 1e6:,.1f} MB; {reference['lines']:,}",
            "every row",
            complete,
        ),
    ]
    if not full:
        figures.insert(
            1,
            Figure(
                "time for 1,000,000 rows (projected, linear)",
                seconds(projected),
                seconds(reference["seconds"] * TARGET_ROWS / m.rows),
                f"≤ {TARGET_SECONDS:.0f} s",
                projected <= TARGET_SECONDS,
            ),
        )
    notes = [
        "Kyufu: GET staff:applications_csv as a case worker through Django's "
        "test client in a fresh process, the StreamingHttpResponse read to its "
        "end (UTF-8 with BOM, CRLF, labels translated, JST times).",
        "Reference: COPY (SELECT the same columns, joins and order) TO STDOUT "
        "in CSV through psycopg, in a fresh process.",
        "Peak memory is the whole process's ru_maxrss, Django included.",
    ]
    return Result(
        NAME, "CSV export", f"{m.rows:,} applications", elapsed, figures, notes
    )
