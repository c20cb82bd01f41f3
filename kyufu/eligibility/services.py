"""Eligible-list import and matching applicants against the list."""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kyufu.audit.services import record
from kyufu.core.japanese import furigana_key
from kyufu.intake.models import Application
from kyufu.programmes.models import Programme
from kyufu.tenants.services import membership_of

from .bulk import row_sink
from .importer import EligibleRow, LineError, UnreadableFile, decode, read_rows
from .models import EligibleListImport, EligiblePerson, ImportStatus

logger = logging.getLogger(__name__)

Actor = User | AnonymousUser | None

# Enough for staff to see the pattern; a file that is wrong everywhere would
# otherwise store a million messages.
MAX_REPORTED_ERRORS = 200


class _Rejected(Exception):
    """Rolls the import transaction back; carries what staff must fix."""

    def __init__(self, errors: list[LineError], encoding: str) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
        self.encoding = encoding


# --- Import ----------------------------------------------------------------


def import_eligible_list(
    programme: Programme, data: bytes, *, file_name: str, actor: Actor
) -> EligibleListImport:
    """Import all rows or none; a failed import keeps its line-numbered errors.

    A resident code already in the programme is updated in place, so people
    who already have a payout keep it.
    """
    _check_actor(actor, programme)
    started = time.monotonic()
    # Stored messages are read by every clerk: write them in the site language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            imported = _import_all(programme, data, file_name, actor)
        except _Rejected as rejected:
            imported = _save_failure(programme, file_name, actor, rejected)
    logger.info(
        "eligible list import %s: %s rows",
        imported.status,
        imported.row_count,
        extra={
            "programme_id": programme.pk,
            "import_id": imported.pk,
            "duration_ms": round((time.monotonic() - started) * 1000),
        },
    )
    return imported


def _check_actor(actor: Actor, programme: Programme) -> None:
    # Invariant 8: staff act only for their own municipality.
    if actor is None:
        return
    if membership_of(actor).municipality_id != programme.municipality_id:
        raise PermissionDenied


def _import_all(
    programme: Programme, data: bytes, file_name: str, actor: Actor
) -> EligibleListImport:
    encoding = ""
    try:
        text, encoding = decode(data)
        rows = read_rows(text)
        with transaction.atomic():
            imported = EligibleListImport.objects.create(
                programme=programme,
                uploaded_by=_user(actor),
                file_name=file_name,
                encoding=encoding,
                status=ImportStatus.SUCCEEDED,
            )
            imported.row_count = _write_rows(imported, rows, encoding)
            imported.save(update_fields=["row_count"])
            _audit(imported, actor)
    except UnreadableFile as unreadable:
        raise _Rejected(unreadable.errors, encoding) from unreadable
    return imported


def _write_rows(
    imported: EligibleListImport,
    rows: Iterable[EligibleRow | LineError],
    encoding: str,
) -> int:
    """Stream clean rows into the table; after the first error only check."""
    errors: list[LineError] = []
    count = 0
    with row_sink(imported.programme_id, imported.pk) as sink:
        for item in rows:
            if isinstance(item, LineError):
                errors.append(item)
                continue
            count += 1
            if not errors:
                sink.add(item)
        if errors:
            raise _Rejected(errors, encoding)
    return count


def _save_failure(
    programme: Programme, file_name: str, actor: Actor, rejected: _Rejected
) -> EligibleListImport:
    with transaction.atomic():
        imported = EligibleListImport.objects.create(
            programme=programme,
            uploaded_by=_user(actor),
            file_name=file_name,
            encoding=rejected.encoding,
            status=ImportStatus.FAILED,
            errors=_reported(rejected.errors),
        )
        _audit(imported, actor)
    return imported


def _reported(errors: list[LineError]) -> list[dict[str, int | str]]:
    reported = [error.as_dict() for error in errors[:MAX_REPORTED_ERRORS]]
    hidden = errors[MAX_REPORTED_ERRORS:]
    if hidden:
        message = _("Line %(line)d and after: %(count)d more errors not shown.")
        text = message % {"line": hidden[0].line, "count": len(hidden)}
        reported.append({"line": hidden[0].line, "message": text})
    return reported


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _audit(imported: EligibleListImport, actor: Actor) -> None:
    record(
        "eligibility.list_imported",
        imported,
        municipality=imported.programme.municipality,
        actor=actor,
        after={
            "file_name": imported.file_name,
            "encoding": imported.encoding,
            "status": imported.status,
            "row_count": imported.row_count,
            "error_count": len(imported.errors),
        },
    )


# --- Matching --------------------------------------------------------------


@dataclass(frozen=True)
class MatchResult:
    outcome: Literal["matched", "ambiguous", "none"]
    person: EligiblePerson | None
    # An English code for staff screens and logs, e.g. "furigana+birth_date".
    reason: str


def match_applicant(application: Application) -> MatchResult:
    """Find the applicant on the programme's list by furigana and birth date."""
    key = furigana_key(application.furigana or "")
    if not key or application.birth_date is None:
        return MatchResult("none", None, "missing:furigana_or_birth_date")
    candidates = list(
        EligiblePerson.objects.filter(
            programme_id=application.programme_id,
            furigana_key=key,
            birth_date=application.birth_date,
        ).order_by("pk")[:2]
    )
    if len(candidates) == 1:
        return MatchResult("matched", candidates[0], "furigana+birth_date")
    if candidates:
        return MatchResult("ambiguous", None, "furigana+birth_date:several")
    return MatchResult("none", None, "furigana+birth_date:none")
