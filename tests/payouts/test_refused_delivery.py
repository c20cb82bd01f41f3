"""A gift code LINE refuses for good is shown to staff, and only staff resend it.

A resident who blocked the official account cannot receive pushes: LINE
refuses them for good. The card is paid for, so the payout stays issued
with its encrypted code, the refusal is audited, and nothing pushes again
until staff decide to (redeliver_gift_code).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from kyufu.audit.models import AuditEvent
from kyufu.core.tasks import sweep_stale_work
from kyufu.line.models import OutboundMessage
from kyufu.payouts.models import Payout
from kyufu.payouts.services import (
    PayoutRefused,
    create_payout,
    deliver_gift_code,
    redeliver_gift_code,
)
from kyufu.sandbox.server import Sandbox
from tests.payouts.conftest import gift_messages


@pytest.fixture
def refused(
    sandbox: Sandbox,
    eligible_people: list[Any],
    make_application: Callable[..., Any],
    run_tasks: Callable[[], int],
) -> Payout:
    """Issued, its push refused: the resident is no follower of the account."""
    payout = create_payout(make_application(eligible_people[0]))
    run_tasks()
    return Payout.objects.get(pk=payout.pk)


def actions(payout: Payout) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(
        object_type="payouts.Payout", object_id=str(payout.pk)
    ).order_by("id")
    return [(e.action, e.actor_label) for e in events]


def test_a_refused_push_is_audited_and_the_code_kept_for_staff(
    refused: Payout,
) -> None:
    assert refused.status == "issued"
    assert refused.outbound is not None and refused.outbound.status == "failed"
    assert refused.last_error.startswith("delivery: LINE answered 400")
    assert refused.claim_code is not None
    assert refused.application.status == "matched"
    assert ("payout.delivery_failed", "system") in actions(refused)


def test_nothing_pushes_a_refused_code_again_by_itself(
    sandbox: Sandbox, refused: Payout, run_tasks: Callable[[], int]
) -> None:
    sandbox.line.add_follower(refused.application.line_user.user_id)

    assert deliver_gift_code(refused.pk) is False
    sweep_stale_work.call()
    run_tasks()

    assert OutboundMessage.objects.filter(purpose="gift_code").count() == 1
    assert gift_messages(sandbox, refused) == []
    failures = [a for a in actions(refused) if a[0] == "payout.delivery_failed"]
    assert len(failures) == 1


def test_staff_resend_the_code_with_a_new_push_once_the_resident_is_back(
    sandbox: Sandbox, refused: Payout, run_tasks: Callable[[], int], alice: Any
) -> None:
    first = refused.outbound
    assert first is not None
    sandbox.line.add_follower(refused.application.line_user.user_id)

    redeliver_gift_code(refused, actor=alice)
    run_tasks()

    payout = Payout.objects.get(pk=refused.pk)
    assert payout.outbound is not None and payout.outbound.pk != first.pk
    assert payout.outbound.retry_key != first.retry_key
    assert (payout.status, payout.claim_code, payout.last_error) == (
        "delivered",
        None,
        "",
    )
    assert len(gift_messages(sandbox, payout)) == 1
    assert actions(payout)[-2:] == [
        ("payout.redelivered", "alice"),
        ("payout.delivered", "system"),
    ]


def test_a_resend_refused_again_is_noted_again(
    refused: Payout, run_tasks: Callable[[], int], alice: Any
) -> None:
    redeliver_gift_code(refused, actor=alice)
    run_tasks()

    payout = Payout.objects.get(pk=refused.pk)
    assert payout.status == "issued" and payout.claim_code is not None
    failures = [a for a in actions(payout) if a[0] == "payout.delivery_failed"]
    assert len(failures) == 2


def test_only_staff_of_the_municipality_resend(refused: Payout, mallory: Any) -> None:
    for outsider in (mallory, None):
        with pytest.raises(PermissionDenied):
            redeliver_gift_code(refused, actor=outsider)

    assert OutboundMessage.objects.filter(purpose="gift_code").count() == 1


def test_a_code_on_its_way_or_delivered_is_not_resent(
    sandbox: Sandbox,
    eligible_people: list[Any],
    make_application: Callable[..., Any],
    run_tasks: Callable[[], int],
    alice: Any,
) -> None:
    application = make_application(eligible_people[1])
    sandbox.line.add_follower(application.line_user.user_id)
    payout = create_payout(application)

    with pytest.raises(PayoutRefused):
        redeliver_gift_code(payout, actor=alice)  # not issued yet
    run_tasks()
    with pytest.raises(PayoutRefused):
        redeliver_gift_code(payout, actor=alice)  # delivered

    assert len(gift_messages(sandbox, payout)) == 1


def test_a_case_worker_resends_from_the_application_page(
    client: Any,
    sandbox: Sandbox,
    refused: Payout,
    run_tasks: Callable[[], int],
    alice: Any,
    bob: Any,
) -> None:
    from django.urls import reverse

    detail = reverse("staff:application_detail", args=[refused.application_id])
    resend = reverse("staff:payout_redeliver", args=[refused.pk])
    client.force_login(bob)
    assert "ギフトコードを再送する" not in client.get(detail).content.decode()
    assert client.post(resend).status_code == 403

    client.force_login(alice)
    assert "ギフトコードを再送する" in client.get(detail).content.decode()
    sandbox.line.add_follower(refused.application.line_user.user_id)
    page = client.post(resend, follow=True).content.decode()
    run_tasks()

    assert "LINEでもう一度お送りします" in page
    assert Payout.objects.get(pk=refused.pk).status == "delivered"
    assert len(gift_messages(sandbox, refused)) == 1
