"""A worker whose provider call outlives its claim changes nothing when it ends.

Worker A claims a payout and waits on Amazon past the sweep's five minutes;
the sweep sets the payout "unknown", worker B claims it again, gets the same
card and delivers it. A's late answer must neither push the code a second
time nor write it back, and no late refusal may undo B's work.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from kyufu.audit.models import AuditEvent
from kyufu.core.tasks import sweep_stale_work
from kyufu.payouts import services
from kyufu.payouts.models import Payout
from kyufu.payouts.providers import ProviderError, provider_for
from kyufu.sandbox.server import Sandbox
from tests.payouts.conftest import gift_messages


def settled_behind_a_slow_worker(
    payout: Payout, run_tasks: Callable[[], int]
) -> Payout:
    """Worker A claims; the sweep and worker B settle it; A's stale copy."""
    slow = services._claim_for_issuing(payout.pk)
    assert slow is not None
    Payout.objects.filter(pk=payout.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=6)
    )
    sweep_stale_work.call()
    run_tasks()
    payout.refresh_from_db()
    assert (payout.status, payout.claim_code) == ("delivered", None)
    return slow


def test_a_late_success_does_not_push_or_keep_the_code_again(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    slow = settled_behind_a_slow_worker(payout, run_tasks)
    late = provider_for(slow.method).issue(slow)  # the same card, for A

    returned = services._mark_issued(slow, late)
    run_tasks()

    payout.refresh_from_db()
    assert returned.status == "delivered"
    assert (payout.status, payout.claim_code) == ("delivered", None)
    assert len(gift_messages(sandbox, payout)) == 1
    assert sandbox.agcod.issued_count(payout.request_id) == 1
    issued = AuditEvent.objects.filter(action="payout.issued")
    assert issued.count() == 1


@pytest.mark.parametrize("mark", ["_mark_failed", "_mark_unknown"])
def test_a_late_refusal_or_silence_does_not_undo_the_delivery(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int], mark: str
) -> None:
    slow = settled_behind_a_slow_worker(payout, run_tasks)
    error = ProviderError("late", permanent=True, outcome_unknown=False)

    getattr(services, mark)(slow, error)
    run_tasks()

    payout.refresh_from_db()
    assert (payout.status, payout.last_error) == ("delivered", "")
    assert len(gift_messages(sandbox, payout)) == 1


def test_a_late_answer_leaves_a_newer_claim_to_its_worker(
    sandbox: Sandbox, payout: Payout
) -> None:
    slow = services._claim_for_issuing(payout.pk)
    assert slow is not None
    late = provider_for(slow.method).issue(slow)
    Payout.objects.filter(pk=payout.pk).update(
        status="unknown", claimed_at=timezone.now() - timedelta(minutes=6)
    )
    newer = services._claim_for_issuing(payout.pk)  # worker B, still calling
    assert newer is not None

    services._mark_issued(slow, late)

    payout.refresh_from_db()
    assert (payout.status, payout.claimed_at) == ("issuing", newer.claimed_at)
    assert payout.claim_code is None
    assert services._mark_issued(newer, late).status == "issued"
