"""Budget and one-payout rules hold under real parallel connections (PostgreSQL)."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from kyufu.core.japanese import furigana_key
from kyufu.eligibility.models import EligiblePerson
from kyufu.payouts.models import Payout
from kyufu.payouts.services import create_payout, issue_payout
from kyufu.sandbox.server import Sandbox

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real row locks between connections")


def in_parallel(work: Callable[[int], Any], n: int) -> list[Any]:
    """Run work(i) in n threads released at once, each on its own connection."""
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = work(i)
        except Exception as exc:  # the outcome under test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def kinds(outcomes: list[Any]) -> Counter[str]:
    return Counter(type(o).__name__ for o in outcomes)


def many_people(programme: Any, n: int) -> list[EligiblePerson]:
    return [
        EligiblePerson.objects.create(
            programme=programme,
            resident_code=f"{i:06d}",
            full_name=f"住民 {i}",
            furigana="ジュウミン",
            furigana_key=furigana_key("ジュウミン"),
            birth_date=date(1980, 1, 1 + i),
        )
        for i in range(n)
    ]


def test_parallel_approvals_never_pass_the_budget(
    programme: Any, make_application: Callable[..., Any]
) -> None:
    applications = [make_application(p) for p in many_people(programme, 12)]

    outcomes = in_parallel(lambda i: create_payout(applications[i]), 12)

    assert kinds(outcomes) == {"Payout": 3, "BudgetExceeded": 9}
    assert Payout.objects.count() == programme.budget_yen // programme.amount_yen


def test_parallel_payouts_for_one_person_make_exactly_one(
    programme: Any, eligible_people: list[Any], make_application: Callable[..., Any]
) -> None:
    hanako = eligible_people[0]
    applications = [make_application(hanako) for _ in range(8)]

    outcomes = in_parallel(lambda i: create_payout(applications[i]), 8)

    assert kinds(outcomes) == {"Payout": 1, "AlreadyPaid": 7}
    assert Payout.objects.filter(eligible_person=hanako).count() == 1


def test_one_payout_issued_by_two_workers_at_once_reaches_amazon_once(
    sandbox: Sandbox, eligible_people: list[Any], make_application: Callable[..., Any]
) -> None:
    payout = create_payout(make_application(eligible_people[0]))

    outcomes = in_parallel(lambda i: issue_payout(payout.pk), 4)

    assert sum(isinstance(o, Payout) for o in outcomes) == 1
    assert outcomes.count(None) == 3
    assert sandbox.agcod.create_requests == [payout.request_id]
