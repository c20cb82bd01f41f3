"""A benefit programme (給付事業): who pays how much, until when, and how."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PayoutMethod(models.TextChoices):
    AMAZON_GIFT = "amazon_gift", _("Amazon gift code")


class Programme(models.Model):
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="programmes"
    )
    line_channel = models.ForeignKey(
        "line.LineChannel",
        on_delete=models.PROTECT,
        related_name="programmes",
        null=True,
        blank=True,
    )
    form = models.ForeignKey(
        "intake.Form", on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    budget_yen = models.PositiveBigIntegerField(_("budget (yen)"))
    amount_yen = models.PositiveIntegerField(_("amount per recipient (yen)"))
    opens_at = models.DateTimeField(_("application opens"))
    closes_at = models.DateTimeField(_("application closes"))
    payout_method = models.CharField(
        _("payout method"),
        max_length=30,
        choices=PayoutMethod.choices,
        default=PayoutMethod.AMAZON_GIFT,
    )
    auto_payout = models.BooleanField(_("pay automatically"), default=True)
    terms = models.TextField(_("terms of application"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("benefit programme")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="programme_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_yen__gt=0), name="programme_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at: datetime | None = None) -> bool:
        moment = at or timezone.now()
        return self.opens_at <= moment < self.closes_at
