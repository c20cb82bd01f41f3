"""Querysets scoped to one municipality: the only way the staff UI reads data.

Invariant 8: every staff query starts from one of these functions, so one
municipality never sees another's rows.
"""

from django.db.models import QuerySet

from kyufu.eligibility.models import EligibleListImport
from kyufu.intake.models import Application
from kyufu.payouts.models import Payout
from kyufu.programmes.models import Programme
from kyufu.tenants.models import Municipality

# Payout columns staff may see; claim_code is never loaded, let alone shown.
PAYOUT_STAFF_FIELDS = (
    "id",
    "programme_id",
    "application_id",
    "amount_yen",
    "method",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "issued_at",
    "delivered_at",
)


def programmes_of(municipality: Municipality) -> QuerySet[Programme]:
    return Programme.objects.filter(municipality=municipality).order_by(
        "-opens_at", "-id"
    )


def applications_of(municipality: Municipality) -> QuerySet[Application]:
    return Application.objects.filter(programme__municipality=municipality)


def payouts_of(municipality: Municipality) -> QuerySet[Payout]:
    return Payout.objects.filter(programme__municipality=municipality).only(
        *PAYOUT_STAFF_FIELDS
    )


def imports_of(municipality: Municipality) -> QuerySet[EligibleListImport]:
    return EligibleListImport.objects.filter(
        programme__municipality=municipality
    ).order_by("-created_at", "-id")
