"""Dashboard figures for one programme: budget, applications, payouts.

Each figure is one aggregate query: the dashboard must stay fast over a
million applications (PRODUCT.md, "dashboard widgets").
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kyufu.intake.models import Application, ApplicationStatus
from kyufu.payouts.models import Payout
from kyufu.payouts.services import budget_summary
from kyufu.programmes.models import Programme

from .queries import PAYOUT_STAFF_FIELDS

# Municipal days are Japanese days whatever the server's clock says.
JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class StatusShare:
    status: str
    label: str
    count: int
    percent: Decimal


def programme_dashboard(programme: Programme) -> dict[str, Any]:
    """Every figure the dashboard shows for one programme."""
    budget = budget_summary(programme)
    per_day = applications_per_day(programme)
    statuses = status_breakdown(programme)
    return {
        "budget": budget,
        "per_day": per_day,
        "statuses": statuses,
        "total_applications": sum(share.count for share in statuses),
        "recent_payouts": recent_payouts(programme),
        "charts": chart_data(budget, per_day, statuses),
    }


def applications_per_day(
    programme: Programme, *, days: int = 30, today: date | None = None
) -> list[tuple[date, int]]:
    """Submitted applications per Japan-time day, oldest first, zeros included."""
    last = today or timezone.localdate(timezone=JST)
    first = last - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=JST)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=JST)
    rows = (
        Application.objects.filter(
            programme=programme, submitted_at__gte=start, submitted_at__lt=end
        )
        .annotate(day=TruncDate("submitted_at", tzinfo=JST))
        .values("day")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {row["day"]: row["count"] for row in rows}
    series = [first + timedelta(days=n) for n in range(days)]
    return [(day, counts.get(day, 0)) for day in series]


def largest_remainder(counts: Sequence[int], *, whole: int) -> list[int]:
    """Split `whole` in proportion to counts so that the parts add up exactly.

    Each part gets the floor of its quota; the units left over go to the
    largest remainders (ties: larger count first, then earlier position).
    """
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    quotas = [count * whole for count in counts]
    parts = [quota // total for quota in quotas]
    order = sorted(
        range(len(counts)), key=lambda i: (-(quotas[i] % total), -counts[i], i)
    )
    for i in order[: whole - sum(parts)]:
        parts[i] += 1
    return parts


def status_breakdown(programme: Programme) -> list[StatusShare]:
    """Applications per status, every status listed, percentages to 0.1 %."""
    rows = (
        Application.objects.filter(programme=programme)
        .values("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    found = {row["status"]: row["count"] for row in rows}
    counts = [found.get(status, 0) for status in ApplicationStatus.values]
    tenths = largest_remainder(counts, whole=1000)
    return [
        StatusShare(status.value, str(status.label), count, Decimal(share) / 10)
        for status, count, share in zip(ApplicationStatus, counts, tenths, strict=True)
    ]


def recent_payouts(programme: Programme, *, limit: int = 10) -> list[Payout]:
    return list(
        Payout.objects.filter(programme=programme)
        .only(*PAYOUT_STAFF_FIELDS)
        .order_by("-created_at", "-id")[:limit]
    )


def chart_data(
    budget: dict[str, int],
    per_day: list[tuple[date, int]],
    statuses: list[StatusShare],
) -> dict[str, Any]:
    """What the dashboard's charts draw, with their Japanese labels."""
    return {
        "budget": {
            "title": pgettext("budget", "Budget"),
            "unit": _("yen"),
            "series": [
                {"label": pgettext("budget", "Paid"), "value": budget["paid"]},
                {"label": pgettext("budget", "Reserved"), "value": budget["reserved"]},
                {
                    "label": pgettext("budget", "Remaining"),
                    "value": max(budget["remaining"], 0),
                },
            ],
        },
        "daily": {
            "label": pgettext("count", "Applications"),
            "labels": [f"{day.month}/{day.day}" for day, _count in per_day],
            "counts": [count for _day, count in per_day],
        },
        "statuses": {
            "labels": [share.label for share in statuses if share.count],
            "counts": [share.count for share in statuses if share.count],
        },
    }
