"""Finding LINE work a dead worker left behind, and queueing it again.

A worker killed mid-task leaves its task "running" forever, so nothing would
ever pick the work up. The sweep (kyufu.core.tasks.sweep_stale_work) calls
these functions every minute; each is idempotent.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kyufu.core.tasks import enqueue_unless_live

from . import services, tasks
from .models import (
    EventStatus,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

# An event still pending this long after it arrived lost its task.
STALE_EVENT = timedelta(minutes=2)


def recover_stale_events(now: datetime | None = None) -> int:
    """Queue processing again for residents whose pending events were dropped."""
    cutoff = (now or timezone.now()) - STALE_EVENT
    user_ids = set(
        WebhookEvent.objects.filter(
            status=EventStatus.PENDING, received_at__lt=cutoff, line_user__isnull=False
        ).values_list("line_user_id", flat=True)
    )
    queued = sum(
        enqueue_unless_live(tasks.process_line_user_events, line_user_id)
        for line_user_id in user_ids
    )
    if queued:
        logger.warning("requeued stale events", extra={"residents": queued})
    return queued


def recover_stale_sends(now: datetime | None = None) -> int:
    """Settle messages left "sending": a push goes back to pending and is
    sent again with its same retry key (LINE drops the duplicate); a reply
    has no retry key, so it is failed rather than risk a second copy."""
    cutoff = (now or timezone.now()) - services.STALE_CLAIM
    recovered = 0
    stale = OutboundMessage.objects.filter(
        status=OutboundStatus.SENDING, claimed_at__lt=cutoff
    ).values_list("pk", flat=True)
    for outbound_id in list(stale):
        recovered += _settle_stale_send(outbound_id, cutoff)
    return recovered


def _settle_stale_send(outbound_id: int, cutoff: datetime) -> int:
    with transaction.atomic():
        outbound = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=outbound_id, status=OutboundStatus.SENDING, claimed_at__lt=cutoff
            )
            .first()
        )
        if outbound is None:
            return 0
        outbound.last_error = "worker stopped while sending"
        if outbound.kind == OutboundKind.PUSH:
            outbound.status = OutboundStatus.PENDING
            enqueue_unless_live(tasks.deliver_outbound, outbound.pk)
        else:
            outbound.status = OutboundStatus.FAILED
            outbound.messages = None
        outbound.save(update_fields=["status", "last_error", "messages"])
    logger.warning(
        "settled a send left by a dead worker",
        extra={"outbound_id": outbound_id, "status": outbound.status},
    )
    return 1
