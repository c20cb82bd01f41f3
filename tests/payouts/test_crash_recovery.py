"""A worker that dies mid-payout leaves nothing in limbo and pays nobody twice.

Each test stops the flow where a killed worker would (its task stays
"running" for ever, so nothing else would pick the work up), lets five
minutes pass, and runs the sweep a live worker runs every minute.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kyufu.core.tasks import schedule_sweep, sweep_stale_work
from kyufu.line.models import OutboundMessage, OutboundStatus
from kyufu.payouts import services
from kyufu.payouts.models import Payout
from kyufu.payouts.providers.amazon.client import AgcodClient
from kyufu.sandbox.server import Sandbox
from tests.payouts.conftest import gift_messages


def five_minutes_pass(model: Any, pk: int, field: str) -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(minutes=6)})


def sweep_then_work(run_tasks: Callable[[], int]) -> None:
    sweep_stale_work.call()
    run_tasks()


def test_killed_after_amazon_issued_but_before_saving(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    claimed = services._claim_for_issuing(payout.pk)
    assert claimed is not None
    # The call reached Amazon and a card exists; the worker died before saving.
    AgcodClient.from_settings().create_gift_card(payout.request_id, 10_000)
    five_minutes_pass(Payout, payout.pk, "claimed_at")

    sweep_then_work(run_tasks)

    payout.refresh_from_db()
    assert payout.status == "delivered"
    assert sandbox.agcod.issued_count(payout.request_id) == 1
    assert len(gift_messages(sandbox, payout)) == 1
    assert payout.claim_code is None


def test_killed_before_the_call_reached_amazon(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    services._claim_for_issuing(payout.pk)
    five_minutes_pass(Payout, payout.pk, "claimed_at")

    sweep_then_work(run_tasks)

    payout.refresh_from_db()
    assert payout.status == "delivered"
    assert sandbox.agcod.issued_count(payout.request_id) == 1


def test_a_fresh_claim_is_left_to_the_worker_holding_it(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    services._claim_for_issuing(payout.pk)

    sweep_then_work(run_tasks)

    payout.refresh_from_db()
    assert payout.status == "issuing"
    assert sandbox.agcod.issued_count(payout.request_id) == 0


def test_killed_while_pushing_the_code_to_line(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    services.issue_payout(payout.pk)
    outbound = services._prepare_delivery(payout.pk)
    assert outbound is not None
    # The push reached LINE, then the worker died with the row in "sending".
    from kyufu.line.services import _attempt, _claim

    claimed = _claim(outbound.pk)
    assert claimed is not None
    content = claimed.messages
    _attempt(claimed)
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENDING, messages=content
    )
    five_minutes_pass(OutboundMessage, outbound.pk, "claimed_at")
    five_minutes_pass(Payout, payout.pk, "issued_at")

    sweep_then_work(run_tasks)
    sweep_then_work(run_tasks)

    payout.refresh_from_db()
    assert payout.status == "delivered"
    assert payout.claim_code is None
    assert len(gift_messages(sandbox, payout)) == 1, "LINE dropped the retried key"


def test_killed_between_issuing_and_delivering(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    services.issue_payout(payout.pk)
    from django_tasks_db.models import DBTaskResult

    # The delivery task was claimed by the worker that died: it never runs.
    DBTaskResult.objects.filter(task_path__endswith="deliver_gift_code").update(
        status="RUNNING"
    )
    five_minutes_pass(Payout, payout.pk, "issued_at")

    sweep_then_work(run_tasks)

    payout.refresh_from_db()
    assert payout.status == "delivered"
    assert len(gift_messages(sandbox, payout)) == 1


def test_the_sweep_keeps_exactly_one_next_run_queued(db: None) -> None:
    from django_tasks_db.models import DBTaskResult

    assert schedule_sweep() is True
    assert schedule_sweep() is False
    sweep_stale_work.call()
    waiting = DBTaskResult.objects.filter(
        task_path="kyufu.core.tasks.sweep_stale_work", status="READY"
    )
    assert waiting.count() == 1


def test_killed_after_creating_the_push_before_claiming_it(
    sandbox: Sandbox, payout: Payout, run_tasks: Callable[[], int]
) -> None:
    from django_tasks_db.models import DBTaskResult

    services.issue_payout(payout.pk)
    assert services._prepare_delivery(payout.pk) is not None
    DBTaskResult.objects.filter(task_path__endswith="deliver_gift_code").update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=6)
    )
    five_minutes_pass(Payout, payout.pk, "issued_at")

    sweep_then_work(run_tasks)

    payout.refresh_from_db()
    assert payout.status == "delivered"
    assert len(gift_messages(sandbox, payout)) == 1


def test_the_sweep_does_not_pile_copies_onto_a_backlog(
    sandbox: Sandbox, payout: Payout
) -> None:
    from django_tasks_db.models import DBTaskResult

    services.issue_payout(payout.pk)  # queues its delivery, not yet run
    five_minutes_pass(Payout, payout.pk, "issued_at")
    deliveries = DBTaskResult.objects.filter(task_path__endswith="deliver_gift_code")

    for _ in range(5):
        sweep_stale_work.call()

    assert deliveries.count() == 1
