"""Builders for the staff UI tests: applications and payouts in any state."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kyufu.intake.models import Application, ApplicationStatus
from kyufu.payouts.models import Payout, PayoutStatus
from kyufu.programmes.services import create_programme

PASSWORD = "correct-horse-battery"


def make_application(
    programme: Any,
    *,
    status: str = ApplicationStatus.SUBMITTED,
    submitted_at: datetime | None = None,
    full_name: str = "山田 花子",
    furigana: str = "ヤマダ ハナコ",
    person: Any = None,
    answers: dict[str, Any] | None = None,
) -> Application:
    return Application.objects.create(
        programme=programme,
        status=status,
        submitted_at=submitted_at,
        full_name=full_name,
        furigana=furigana,
        birth_date=person.birth_date if person else None,
        eligible_person=person,
        answers=answers or {},
    )


def make_payout(
    application: Application, *, status: str = PayoutStatus.RESERVED, **fields: Any
) -> Payout:
    assert application.eligible_person is not None, "a payout needs a person"
    return Payout.objects.create(
        programme=application.programme,
        application=application,
        eligible_person=application.eligible_person,
        amount_yen=application.programme.amount_yen,
        method=application.programme.payout_method,
        status=status,
        **fields,
    )


@pytest.fixture
def login(client: Client) -> Any:
    """login(user) signs the test client in as that persona."""

    def sign_in(user: Any) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def other_programme(other_municipality: Any) -> Any:
    """うみべ町's own programme, which no かもめ市 page may show."""
    now = timezone.now()
    return create_programme(
        other_municipality,
        name="うみべ町 物価高騰対策給付金",
        budget_yen=1_000_000,
        amount_yen=30_000,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
