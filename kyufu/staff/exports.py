"""Streaming CSV export of applications, made for Excel on a clerk's PC.

UTF-8 with a byte order mark (Excel otherwise reads UTF-8 as Shift_JIS and
garbles Japanese), CRLF line endings, rows read in chunks so that a million
applications stream in constant memory.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from urllib.parse import quote

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kyufu.intake.models import Application, ApplicationStatus
from kyufu.payouts.models import PayoutStatus

from .metrics import JST

BOM = "\ufeff"
CHUNK_SIZE = 2000
# Excel runs a cell that starts with one of these as a formula; residents type
# their names themselves, so such a cell is prefixed with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

APPLICATION_COLUMNS = (
    "id",
    "status",
    "full_name",
    "furigana",
    "birth_date",
    "submitted_at",
    "payout__status",
    "payout__amount_yen",
)


def application_header() -> list[str]:
    return [
        _("Application number"),
        _("Status"),
        _("Full name"),
        _("Furigana"),
        _("Birth date"),
        _("Submitted at (JST)"),
        _("Payout status"),
        _("Payout amount"),
    ]


def application_csv(applications: QuerySet[Application]) -> Iterator[str]:
    """The CSV text of the applications, BOM first, in chunks of rows.

    Labels are translated before the first chunk: the response streams after
    the view returns, when the request's language may no longer be active.
    """
    statuses = {value: str(label) for value, label in ApplicationStatus.choices}
    payouts = {value: str(label) for value, label in PayoutStatus.choices}
    header = application_header()
    rows = (
        applications.order_by("id")
        .values_list(*APPLICATION_COLUMNS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    records = (
        [
            number,
            statuses.get(status, status),
            _cell(full_name),
            _cell(furigana),
            _date(birth_date),
            _datetime(submitted_at),
            payouts.get(payout_status, ""),
            "" if amount is None else amount,
        ]
        for (
            number,
            status,
            full_name,
            furigana,
            birth_date,
            submitted_at,
            payout_status,
            amount,
        ) in rows
    )
    return _csv_chunks([header], records)


def _csv_chunks(
    head: Iterable[Sequence[object]], records: Iterable[Sequence[object]]
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerows(head)
    for count, record in enumerate(records, start=1):
        writer.writerow(record)
        if count % CHUNK_SIZE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _datetime(value: datetime | None) -> str:
    return value.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def attachment_header(file_name: str, ascii_fallback: str) -> str:
    """Content-Disposition with an RFC 5987 UTF-8 name and an ASCII fallback."""
    return (
        f'attachment; filename="{ascii_fallback}"; '
        f"filename*=UTF-8''{quote(file_name, safe='')}"
    )
