r"""Payouts: the budget ledger and the payout state machine.

reserved -> issuing -> issued -> delivered
              |  \-> unknown -> (settled by retrying the same request id)
              \-> failed (terminal; releases the budget)
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from kyufu.core.crypto import EncryptedTextField


class PayoutStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    ISSUING = "issuing", _("Issuing")
    UNKNOWN = "unknown", _("Outcome unknown")
    ISSUED = "issued", _("Issued")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


# Statuses whose amount counts against the budget (paid plus reserved).
BUDGET_HOLDING = [
    PayoutStatus.RESERVED,
    PayoutStatus.ISSUING,
    PayoutStatus.UNKNOWN,
    PayoutStatus.ISSUED,
    PayoutStatus.DELIVERED,
]


class InvalidTransition(Exception):
    """A payout was asked to move from a state that does not allow it."""


class Payout(models.Model):
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        PayoutStatus.RESERVED: {PayoutStatus.ISSUING, PayoutStatus.FAILED},
        PayoutStatus.ISSUING: {
            PayoutStatus.ISSUED,
            PayoutStatus.UNKNOWN,
            PayoutStatus.FAILED,
        },
        PayoutStatus.UNKNOWN: {PayoutStatus.ISSUING},
        PayoutStatus.ISSUED: {PayoutStatus.DELIVERED},
        PayoutStatus.DELIVERED: set(),
        PayoutStatus.FAILED: set(),
    }

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="payouts"
    )
    application = models.OneToOneField(
        "intake.Application", on_delete=models.PROTECT, related_name="payout"
    )
    eligible_person = models.ForeignKey(
        "eligibility.EligiblePerson", on_delete=models.PROTECT, related_name="payouts"
    )
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    method = models.CharField(_("payout method"), max_length=30)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PayoutStatus.choices,
        default=PayoutStatus.RESERVED,
        db_index=True,
    )
    # The provider idempotency key (AGCOD creationRequestId), derived from the
    # payout and saved before the first provider call. NULL only inside the
    # creating transaction (the id needs the pk), so unique stays meaningful.
    request_id = models.CharField(max_length=40, unique=True, null=True)  # noqa: DJ001
    provider_reference = models.CharField(max_length=64, blank=True)  # gcId
    # Encrypted, and erased as soon as the resident has it.
    claim_code = EncryptedTextField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When a worker last moved it to "issuing"; a stale one was left by a
    # worker that died mid-call, and is settled as "unknown".
    claimed_at = models.DateTimeField(null=True, blank=True)
    outbound = models.OneToOneField(
        "line.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("payout")
        constraints = [
            # Invariant 2: one payout per eligible person per programme. A failed
            # payout keeps its row, so a retry is a transition, not a new row.
            models.UniqueConstraint(
                fields=["programme", "eligible_person"],
                name="one_payout_per_person_per_programme",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_yen__gt=0), name="payout_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"payout #{self.pk} {self.status}"

    def transition(self, new_status: str) -> None:
        if new_status not in self.TRANSITIONS[self.status]:
            raise InvalidTransition(f"{self.status} -> {new_status}")
        self.status = new_status
