"""Finding the programme a resident's LINE channel is taking applications for."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from kyufu.line.models import LineChannel

from .models import Programme


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
