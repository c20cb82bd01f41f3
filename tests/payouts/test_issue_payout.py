"""Issuing a payout through AGCOD once, settling unknown outcomes, failing cleanly."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kyufu.audit.models import AuditEvent
from kyufu.payouts import services
from kyufu.payouts.models import Payout
from kyufu.payouts.services import budget_summary, issue_payout
from kyufu.sandbox.server import Sandbox

ISSUE_TASK = "kyufu.payouts.tasks.issue_payout"
DELIVER_TASK = "kyufu.payouts.tasks.deliver_gift_code"


def raw_claim_code(payout_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT claim_code FROM payouts_payout WHERE id = %s", [payout_id]
        )
        return cursor.fetchone()[0]


def queued(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path, status="READY"))


def delayed(task_path: str) -> list[DBTaskResult]:
    """Queued runs of a task that wait for a later time."""
    soon = timezone.now() + timedelta(days=1)
    return [t for t in queued(task_path) if t.run_after < soon]


def test_a_payout_is_issued_once_and_its_code_kept_encrypted(
    sandbox: Sandbox, payout: Any
) -> None:
    issue_payout(payout.pk)

    payout.refresh_from_db()
    card = sandbox.agcod.cards[payout.request_id]
    assert (payout.status, payout.attempts) == ("issued", 1)
    assert payout.provider_reference == card.gc_id
    assert payout.claim_code == card.claim_code
    assert payout.code_expires_at is not None and payout.issued_at is not None
    assert card.claim_code not in (raw_claim_code(payout.pk) or "")
    assert [t.args_kwargs["args"] for t in queued(DELIVER_TASK)] == [[payout.pk]]


def test_a_timeout_is_retried_with_the_same_id_and_one_card_issued(
    sandbox: Sandbox, payout: Any
) -> None:
    sandbox.agcod.fail_next(1, "delay", delay=1.0)

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("issued", 2)
    assert sandbox.agcod.create_requests == [payout.request_id] * 2
    assert sandbox.agcod.issued_count(payout.request_id) == 1
    assert payout.claim_code == sandbox.agcod.cards[payout.request_id].claim_code


def test_a_resend_answer_is_retried_in_process(sandbox: Sandbox, payout: Any) -> None:
    sandbox.agcod.fail_next(1, "resend")
    sandbox.agcod.fail_next(1, "throttle")

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("issued", 3)


def test_an_unknown_outcome_is_left_unknown_requeued_and_then_settled(
    sandbox: Sandbox, payout: Any, settings: Any
) -> None:
    settings.AGCOD_MAX_ATTEMPTS = 2
    sandbox.agcod.fail_next(2, "delay", delay=1.0)

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert payout.status == "unknown"
    assert "no answer" in payout.last_error
    (retry,) = delayed(ISSUE_TASK)
    assert timezone.now() + timedelta(seconds=30) < retry.run_after

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.last_error) == ("issued", "")
    assert sandbox.agcod.issued_count(payout.request_id) == 1
    assert payout.claim_code == sandbox.agcod.cards[payout.request_id].claim_code


def test_an_amazon_side_error_is_settled_later_not_guessed(
    sandbox: Sandbox, payout: Any
) -> None:
    sandbox.agcod.fail_next(1, "error500")

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("unknown", 1)
    assert payout.last_error.startswith("F500 GeneralError")


def test_a_permanent_refusal_fails_the_payout_and_releases_the_budget(
    sandbox: Sandbox, payout: Any, programme: Any
) -> None:
    sandbox.agcod.available_funds = 0

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("failed", 1)
    assert payout.last_error.startswith("F300 InsufficientFunds")
    assert payout.application.status == "matched"  # visible to staff as it was
    assert budget_summary(programme)["reserved"] == 0
    assert AuditEvent.objects.filter(action="payout.failed").count() == 1


def test_a_second_run_of_the_task_does_nothing(sandbox: Sandbox, payout: Any) -> None:
    issue_payout(payout.pk)

    assert issue_payout(payout.pk) is None

    assert sandbox.agcod.create_requests == [payout.request_id]


def test_a_payout_in_flight_is_not_claimed_again(sandbox: Sandbox, payout: Any) -> None:
    Payout.objects.filter(pk=payout.pk).update(status="issuing")

    assert issue_payout(payout.pk) is None
    assert sandbox.agcod.create_requests == []


def test_the_request_id_is_saved_before_the_provider_is_called(
    payout: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    def spy(provider: Any, claimed: Payout) -> Any:
        seen.append(Payout.objects.get(pk=claimed.pk).request_id)
        return services.ProviderError("stop", permanent=True, outcome_unknown=False)

    monkeypatch.setattr(services, "_call_with_retries", spy)
    issue_payout(payout.pk)

    assert seen == [payout.request_id] and payout.request_id
