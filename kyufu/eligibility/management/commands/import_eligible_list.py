"""manage.py import_eligible_list <programme_id> <path> [--as USERNAME]."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kyufu.eligibility.models import EligibleListImport, ImportStatus
from kyufu.eligibility.services import import_eligible_list
from kyufu.programmes.models import Programme


class Command(BaseCommand):
    help = "Import an eligible list (CSV, UTF-8 or cp932) into a programme."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme_id", type=int)
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as", dest="username", help="the staff user recorded as importer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            programme = _programme(options["programme_id"])
            actor = _user(options["username"]) if options["username"] else None
            path: Path = options["path"]
            try:
                result = import_eligible_list(
                    programme, _read(path), file_name=path.name, actor=actor
                )
            except PermissionDenied:
                message = _("%(name)s may not import lists for this programme.")
                raise CommandError(message % {"name": options["username"]}) from None
            self._report(result)

    def _report(self, result: EligibleListImport) -> None:
        if result.status == ImportStatus.SUCCEEDED:
            message = _("Imported %(count)d rows from %(file)s (encoding: %(enc)s).")
            self.stdout.write(
                message
                % {
                    "count": result.row_count,
                    "file": result.file_name,
                    "enc": result.encoding,
                }
            )
            return
        for error in result.errors:
            self.stderr.write(error["message"])
        message = _(
            "Nothing was imported: %(file)s has errors (%(count)d shown above)."
        )
        raise CommandError(
            message % {"file": result.file_name, "count": len(result.errors)}
        )


def _programme(programme_id: int) -> Programme:
    try:
        return Programme.objects.select_related("municipality").get(pk=programme_id)
    except Programme.DoesNotExist:
        raise CommandError(
            _("Programme %(id)d does not exist.") % {"id": programme_id}
        ) from None


def _user(username: str) -> User:
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(
            _("User %(name)s does not exist.") % {"name": username}
        ) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
