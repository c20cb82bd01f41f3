"""Municipalities (自治体) are the tenants; staff belong to exactly one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    # 全国地方公共団体コード (6 digits with check digit), e.g. 131130 for Shibuya.
    code = models.CharField(_("municipality code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Administrator")


class StaffMembership(models.Model):
    """Ties a Django user to the one municipality whose data they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("staff membership")

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality} ({self.role})"
