"""Reserving a payout: budget, one payout per person, audit, queued issue."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django_tasks_db.models import DBTaskResult

from kyufu.audit.models import AuditEvent
from kyufu.payouts.models import Payout
from kyufu.payouts.services import (
    AlreadyPaid,
    BudgetExceeded,
    PayoutRefused,
    budget_summary,
    create_payout,
)


def test_a_payout_reserves_the_amount_with_its_request_id_saved(
    eligible_people: list[Any], make_application: Callable[..., Any], alice: Any
) -> None:
    payout: Any = create_payout(make_application(eligible_people[0]), actor=alice)

    payout.refresh_from_db()
    assert (payout.status, payout.amount_yen, payout.method) == (
        "reserved",
        10_000,
        "amazon_gift",
    )
    assert payout.request_id.startswith("KyufuK")
    assert payout.request_id.isalnum() and len(payout.request_id) <= 40
    tasks = DBTaskResult.objects.filter(task_path="kyufu.payouts.tasks.issue_payout")
    assert [t.args_kwargs["args"] for t in tasks] == [[payout.pk]]


def test_the_reservation_is_audited_with_the_actor(
    eligible_people: list[Any], make_application: Callable[..., Any], alice: Any
) -> None:
    payout = create_payout(make_application(eligible_people[0]), actor=alice)
    automatic = create_payout(make_application(eligible_people[1]))

    events = AuditEvent.objects.filter(action="payout.created")
    labels = {e.object_id: e.actor_label for e in events}
    assert labels == {str(payout.pk): "alice", str(automatic.pk): "system"}


def test_a_payout_past_the_budget_is_refused(
    programme: Any, eligible_people: list[Any], make_application: Callable[..., Any]
) -> None:
    programme.budget_yen = 25_000
    programme.save()
    create_payout(make_application(eligible_people[0]))
    create_payout(make_application(eligible_people[1]))

    with pytest.raises(BudgetExceeded):
        create_payout(make_application(eligible_people[2]))

    assert Payout.objects.count() == 2
    assert budget_summary(programme) == {
        "budget": 25_000,
        "paid": 0,
        "reserved": 20_000,
        "remaining": 5_000,
    }


def test_a_failed_payout_gives_its_budget_back(
    programme: Any, eligible_people: list[Any], make_application: Callable[..., Any]
) -> None:
    programme.budget_yen = 10_000
    programme.save()
    first = create_payout(make_application(eligible_people[0]))
    Payout.objects.filter(pk=first.pk).update(status="failed")

    create_payout(make_application(eligible_people[1]))

    assert budget_summary(programme)["remaining"] == 0


def test_the_same_person_is_refused_from_another_application_and_line_account(
    eligible_people: list[Any], make_application: Callable[..., Any]
) -> None:
    hanako = eligible_people[0]
    create_payout(make_application(hanako))

    with pytest.raises(AlreadyPaid):
        create_payout(make_application(hanako))  # a second LINE account

    assert Payout.objects.filter(eligible_person=hanako).count() == 1


def test_the_database_refuses_a_second_payout_even_past_the_service_check(
    eligible_people: list[Any],
    make_application: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hanako = eligible_people[0]
    create_payout(make_application(hanako))
    monkeypatch.setattr("kyufu.payouts.services._check_not_paid", lambda app: None)

    with pytest.raises(AlreadyPaid):
        create_payout(make_application(hanako))

    assert Payout.objects.count() == 1


def test_an_unmatched_application_is_refused(
    programme: Any, make_application: Callable[..., Any], eligible_people: list[Any]
) -> None:
    application = make_application(eligible_people[0])
    application.eligible_person = None
    application.save()

    with pytest.raises(PayoutRefused):
        create_payout(application)


def test_staff_of_another_municipality_cannot_create_payouts(
    eligible_people: list[Any], make_application: Callable[..., Any], mallory: Any
) -> None:
    with pytest.raises(PermissionDenied):
        create_payout(make_application(eligible_people[0]), actor=mallory)

    assert not Payout.objects.exists()
