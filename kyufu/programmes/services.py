"""Setting up programmes, and finding the one a resident's channel applies to."""

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from kyufu.audit.services import record
from kyufu.intake.catalog import default_form_definition
from kyufu.intake.models import Form
from kyufu.line.models import LineChannel
from kyufu.tenants.models import Municipality

from .models import Programme


@transaction.atomic
def create_programme(
    municipality: Municipality,
    *,
    name: str,
    budget_yen: int,
    amount_yen: int,
    opens_at: datetime,
    closes_at: datetime,
    line_channel: LineChannel | None = None,
    terms: str = "",
    auto_payout: bool = True,
    form_definition: dict[str, Any] | None = None,
    actor: User | AnonymousUser | None = None,
) -> Programme:
    """A programme with its own application form (the default one unless given)."""
    form = Form.objects.create(
        municipality=municipality,
        name=f"{name} 申請フォーム",
        definition=form_definition or default_form_definition(),
    )
    programme = Programme.objects.create(
        municipality=municipality,
        line_channel=line_channel,
        form=form,
        name=name,
        budget_yen=budget_yen,
        amount_yen=amount_yen,
        opens_at=opens_at,
        closes_at=closes_at,
        auto_payout=auto_payout,
        terms=terms,
    )
    after = {"name": name, "budget_yen": budget_yen, "amount_yen": amount_yen}
    record(
        "programme.created",
        programme,
        municipality=municipality,
        actor=actor,
        after=after,
    )
    return programme


def programme_for_channel(
    channel: LineChannel, programme_id: str | int | None = None
) -> Programme | None:
    """The channel's programme a resident should apply to, open or not.

    A programme named by a 「申請する」 button wins when it belongs to the
    channel. Otherwise: the open programme closing first, else the next one
    to open, else the one closed most recently (to tell the resident when).
    """
    programmes = Programme.objects.filter(line_channel=channel).select_related("form")
    if programme_id is not None and str(programme_id).isdigit():
        named = programmes.filter(pk=int(programme_id)).first()
        if named is not None:
            return named
    now = timezone.now()
    return (
        programmes.filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
        .first()
        or programmes.filter(opens_at__gt=now).order_by("opens_at", "pk").first()
        or programmes.order_by("-closes_at", "-pk").first()
    )


def application_period(programme: Programme) -> tuple[date, date]:
    """First and last day of applications, in local (Japan) time.

    closes_at is the first moment applications are refused, so the last day
    is the day of the moment just before it.
    """
    last_moment: datetime = programme.closes_at - timedelta(microseconds=1)
    return (
        timezone.localtime(programme.opens_at).date(),
        timezone.localtime(last_moment).date(),
    )
