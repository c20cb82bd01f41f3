"""The gift code reaches the resident in LINE once, then is erased."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from kyufu.audit.models import AuditEvent
from kyufu.line.models import OutboundMessage
from kyufu.payouts.models import Payout
from kyufu.payouts.services import create_payout, deliver_gift_code, issue_payout
from kyufu.sandbox.server import Sandbox


@pytest.fixture
def resident(
    sandbox: Sandbox, eligible_people: list[Any], make_application: Callable[..., Any]
) -> Any:
    application = make_application(eligible_people[0])
    sandbox.line.add_follower(application.line_user.user_id)
    return application


def flex_messages(sandbox: Sandbox, user_id: str) -> list[dict[str, Any]]:
    return [m for m in sandbox.line.messages_for(user_id) if m["type"] == "flex"]


def test_an_automatic_payout_ends_with_the_code_in_line_and_nothing_kept(
    sandbox: Sandbox, resident: Any, run_tasks: Callable[[], int]
) -> None:
    payout: Any = create_payout(resident)

    run_tasks()

    payout.refresh_from_db()
    resident.refresh_from_db()
    card = sandbox.agcod.cards[payout.request_id]
    (message,) = flex_messages(sandbox, resident.line_user.user_id)
    assert card.claim_code in str(message["contents"])
    assert (payout.status, resident.status) == ("delivered", "paid")
    assert payout.delivered_at is not None
    assert payout.claim_code is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT claim_code FROM payouts_payout WHERE id = %s", [payout.pk]
        )
        assert cursor.fetchone() == (None,)
    assert payout.outbound.messages is None  # LINE's copy is erased too


def test_every_step_of_the_payout_is_audited(
    sandbox: Sandbox, resident: Any, run_tasks: Callable[[], int], alice: Any
) -> None:
    payout = create_payout(resident, actor=alice)

    run_tasks()

    events = AuditEvent.objects.filter(
        object_type="payouts.Payout", object_id=str(payout.pk)
    ).order_by("id")
    assert [(e.action, e.actor_label) for e in events] == [
        ("payout.created", "alice"),
        ("payout.issued", "system"),
        ("payout.delivered", "system"),
    ]
    assert all("claim_code" not in str(e.after) for e in events)


def test_a_line_outage_keeps_the_code_and_retries_with_the_same_retry_key(
    sandbox: Sandbox, resident: Any
) -> None:
    payout = create_payout(resident)
    issue_payout(payout.pk)
    sandbox.line.fail_next("/v2/bot/message/push", 500)

    assert deliver_gift_code(payout.pk) is False

    payout.refresh_from_db()
    assert payout.status == "issued" and payout.claim_code is not None
    retries = DBTaskResult.objects.filter(
        task_path="kyufu.payouts.tasks.deliver_gift_code", status="READY"
    )
    assert len(retries) == 2  # the one queued at issue, and the delayed retry

    assert deliver_gift_code(payout.pk) is True

    payout.refresh_from_db()
    assert (payout.status, payout.claim_code) == ("delivered", None)
    assert OutboundMessage.objects.filter(purpose="gift_code").count() == 1
    assert len(flex_messages(sandbox, resident.line_user.user_id)) == 1


def test_a_delivered_payout_is_not_sent_again(sandbox: Sandbox, resident: Any) -> None:
    payout = create_payout(resident)
    issue_payout(payout.pk)
    deliver_gift_code(payout.pk)

    assert deliver_gift_code(payout.pk) is False

    assert len(flex_messages(sandbox, resident.line_user.user_id)) == 1


def test_a_paper_application_without_line_keeps_the_code_for_staff(
    sandbox: Sandbox, eligible_people: list[Any], make_application: Callable[..., Any]
) -> None:
    application = make_application(eligible_people[1])
    application.line_user = None
    application.save()
    payout = create_payout(application)
    issue_payout(payout.pk)

    assert deliver_gift_code(payout.pk) is False

    payout = Payout.objects.get(pk=payout.pk)
    assert payout.status == "issued"
    assert payout.last_error == "delivery: no LINE account to deliver to"
