"""Upserting eligible rows fast: COPY on PostgreSQL, executemany elsewhere.

A registry list has up to millions of rows; building a model instance per
row costs more than parsing it. Both writers take plain tuples, insert a new
resident code and update an existing one in place (its pk, and so its
payouts, stay). Call inside the import's transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.db import connection

from .importer import EligibleRow
from .models import EligiblePerson

# TODO(scale): 200,000 rows take ~13 s on PostgreSQL here (parsing ~4 s, COPY
# and upsert ~6 s, deferred FK checks at commit ~3.5 s), about 65 s a million
# against the 60 s target; parse in a second process while COPY streams
# before the import benchmark lands in bench/.
BATCH_SIZE = 5000
_STAGING = "kyufu_eligible_import"
_VALUE_FIELDS = [
    "resident_code",
    "full_name",
    "furigana",
    "furigana_key",
    "birth_date",
    "address",
]
_UPDATED_FIELDS = [*_VALUE_FIELDS[1:], "source_import"]


class RowSink(Protocol):
    def add(self, row: EligibleRow) -> None: ...


def _column(field: str) -> str:
    columns = {f.name: f.column for f in EligiblePerson._meta.concrete_fields}
    return connection.ops.quote_name(str(columns[field]))


def _values(row: EligibleRow) -> tuple[str, ...]:
    born = row.birth_date.isoformat()
    return (
        row.resident_code,
        row.full_name,
        row.furigana,
        row.furigana_key,
        born,
        row.address,
    )


def _upsert_sql(source: str) -> str:
    """INSERT ... <source> ON CONFLICT (programme, resident_code) DO UPDATE."""
    table = connection.ops.quote_name(EligiblePerson._meta.db_table)
    columns = ", ".join(
        _column(f) for f in ["programme", *_VALUE_FIELDS, "source_import"]
    )
    key = f"{_column('programme')}, {_column('resident_code')}"
    updates = ", ".join(
        f"{_column(f)} = EXCLUDED.{_column(f)}" for f in _UPDATED_FIELDS
    )
    return (
        f"INSERT INTO {table} ({columns}) {source} "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )


@contextmanager
def row_sink(programme_id: int, import_id: int) -> Iterator[RowSink]:
    """A sink for clean rows; everything added is upserted when it closes."""
    if connection.vendor == "postgresql":
        with _copy_sink(programme_id, import_id) as sink:
            yield sink
    else:
        sink = _BatchSink(programme_id, import_id)
        yield sink
        sink.flush()


class _BatchSink:
    """executemany of an upsert in batches (SQLite, the embedded default)."""

    def __init__(self, programme_id: int, import_id: int) -> None:
        placeholders = ", ".join(["%s"] * (len(_VALUE_FIELDS) + 2))
        self.sql = _upsert_sql(f"VALUES ({placeholders})")
        self.ids = (programme_id, import_id)
        self.batch: list[tuple[Any, ...]] = []

    def add(self, row: EligibleRow) -> None:
        self.batch.append((self.ids[0], *_values(row), self.ids[1]))
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.batch)
            self.batch.clear()


class _CopySink:
    def __init__(self, copy: Any) -> None:
        self.copy = copy

    def add(self, row: EligibleRow) -> None:
        self.copy.write_row(_values(row))


@contextmanager
def _copy_sink(programme_id: int, import_id: int) -> Iterator[RowSink]:
    """COPY into a temporary table, then one INSERT ... SELECT upsert."""
    columns = ", ".join(_VALUE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_STAGING}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGING} (resident_code text, full_name text,"
            " furigana text, furigana_key text, birth_date date, address text)"
            " ON COMMIT DROP"
        )
        with cursor.copy(f"COPY {_STAGING} ({columns}) FROM STDIN") as copy:
            yield _CopySink(copy)
        select = f"SELECT %s, {columns}, %s FROM {_STAGING}"  # noqa: S608
        cursor.execute(_upsert_sql(select), [programme_id, import_id])
        cursor.execute(f"DROP TABLE {_STAGING}")
