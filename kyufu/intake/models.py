"""Forms defined as data, applications, and the chat conversation state."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Form(models.Model):
    """An application form; `definition` holds the questions as data.

    {"version": 1, "questions": [{"key": "full_name", "type": "name_kanji",
                                  "label": "お名前", "prompt": "..."}, ...]}
    The question types are the keys of kyufu.intake.questions.QUESTION_TYPES;
    kyufu.intake.catalog.validate_form_definition checks a definition.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="forms"
    )
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    MATCHED = "matched", _("Eligible")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    DUPLICATE = "duplicate", _("Already applied")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Application(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="applications"
    )
    line_user = models.ForeignKey(
        "line.LineUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.IN_PROGRESS,
        db_index=True,
    )
    # Raw answers keyed by question key, as JSON-safe values (dates ISO).
    answers = models.JSONField(default=dict)
    # Normalised copies of the answers matching needs, filled at submission.
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    furigana = models.CharField(_("furigana"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    eligible_person = models.ForeignKey(
        "eligibility.EligiblePerson",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    match_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        indexes = [
            models.Index(
                fields=["programme", "status"], name="application_prog_status"
            ),
            models.Index(
                fields=["programme", "submitted_at"], name="application_prog_submitted"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"


class ConversationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Conversation(models.Model):
    """Where a resident is in the chat form; lives in the database so it
    survives worker restarts and is locked while one event is handled."""

    line_user = models.ForeignKey(
        "line.LineUser", on_delete=models.PROTECT, related_name="conversations"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="conversation"
    )
    # Read and written only through kyufu.intake.state.
    state = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20,
        choices=ConversationStatus.choices,
        default=ConversationStatus.ACTIVE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["line_user"],
                condition=models.Q(status="active"),
                name="one_active_conversation_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"conversation #{self.pk} {self.status}"
