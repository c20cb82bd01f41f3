"""The eligible list (対象者リスト) imported from the resident registry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed")


class EligibleListImport(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(max_length=255)
    encoding = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(default=0)
    # [{"line": 12, "message": "..."}], Japanese messages for staff.
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.file_name} {self.status}"


class EligiblePerson(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="eligible_people",
    )
    # 宛名番号 or another registry key, unique within the programme.
    resident_code = models.CharField(_("resident code"), max_length=32)
    full_name = models.CharField(_("full name"), max_length=100)
    furigana = models.CharField(_("furigana"), max_length=100)
    # Normalised furigana (full-width katakana, no spaces): the match key.
    furigana_key = models.CharField(max_length=100)
    birth_date = models.DateField(_("birth date"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    source_import = models.ForeignKey(
        EligibleListImport,
        null=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    class Meta:
        verbose_name = _("eligible person")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "resident_code"],
                name="eligible_resident_unique_per_programme",
            )
        ]
        indexes = [
            models.Index(
                fields=["programme", "furigana_key", "birth_date"],
                name="eligible_match_key",
            )
        ]

    def __str__(self) -> str:
        return self.resident_code
