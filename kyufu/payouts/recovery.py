"""Settling payouts a dead worker left behind.

A worker killed during the provider call leaves its payout "issuing": the
outcome is unknown (the card may exist), so the payout moves to "unknown"
and is issued again with the same request id, which the provider answers
with the same card. A worker killed after issuing leaves an "issued" payout
whose code never reached the resident: delivery is queued again. The sweep
(kyufu.core.tasks.sweep_stale_work) calls this every minute.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kyufu.core.tasks import enqueue_unless_live
from kyufu.line.models import OutboundStatus

from . import tasks
from .models import Payout, PayoutStatus
from .services import _audit_system

logger = logging.getLogger(__name__)

# Far longer than AGCOD_MAX_ATTEMPTS calls of AGCOD_TIMEOUT with back-off.
STALE_CLAIM = timedelta(minutes=5)


def recover_stale_payouts(now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - STALE_CLAIM
    stale_issuing = Payout.objects.filter(
        status=PayoutStatus.ISSUING, claimed_at__lt=cutoff
    ).values_list("pk", flat=True)
    recovered = sum(_settle_stale_issuing(pk, cutoff) for pk in list(stale_issuing))
    return recovered + _requeue_lost_deliveries(cutoff)


def _settle_stale_issuing(payout_id: int, cutoff: datetime) -> int:
    with transaction.atomic():
        payout = (
            Payout.objects.select_for_update(skip_locked=True)
            .filter(pk=payout_id, status=PayoutStatus.ISSUING, claimed_at__lt=cutoff)
            .first()
        )
        if payout is None:
            return 0
        payout.transition(PayoutStatus.UNKNOWN)
        payout.last_error = "worker stopped during the provider call"
        payout.save(update_fields=["status", "last_error"])
        tasks.issue_payout.enqueue(payout.pk)
        _audit_system(payout, "payout.unknown")
    logger.warning(
        "stale issuing payout set to unknown", extra={"payout_id": payout_id}
    )
    return 1


def _requeue_lost_deliveries(cutoff: datetime) -> int:
    # An issued code whose delivery task is gone: it died before creating
    # the push, before claiming it, or after LINE took it but before the
    # payout was marked delivered. A push that failed for good waits for
    # staff (redeliver), not for the sweep.
    lost = Payout.objects.filter(
        Q(outbound__isnull=True)
        | Q(outbound__status__in=[OutboundStatus.PENDING, OutboundStatus.SENT]),
        status=PayoutStatus.ISSUED,
        issued_at__lt=cutoff,
        application__line_user__isnull=False,
    ).values_list("pk", flat=True)
    queued = sum(
        enqueue_unless_live(tasks.deliver_gift_code, payout_id)
        for payout_id in list(lost)
    )
    if queued:
        logger.warning("requeued lost deliveries", extra={"payouts": queued})
    return queued
