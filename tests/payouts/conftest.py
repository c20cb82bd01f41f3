"""Payout fixtures: matched applicants with LINE accounts, the sandbox fakes."""

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest

from kyufu.payouts import services
from kyufu.sandbox.server import Sandbox
from tests.conftest import ACCESS_TOKEN

AGCOD_KEY = "AKIDEXAMPLEKYUFU"
AGCOD_SECRET = "kyufu-demo-secret-key"
_user_ids = count(1)


@pytest.fixture
def make_application(channel: Any) -> Callable[..., Any]:
    """A submitted, matched application for an eligible person."""
    from kyufu.intake.models import Application
    from kyufu.line.models import LineUser

    def make(person: Any, *, line_user: Any = None) -> Application:
        if line_user is None:
            line_user = LineUser.objects.create(
                channel=channel, user_id=f"U{next(_user_ids):032x}", is_following=True
            )
        return Application.objects.create(
            programme=person.programme,
            line_user=line_user,
            status="matched",
            full_name=person.full_name,
            furigana=person.furigana,
            birth_date=person.birth_date,
            eligible_person=person,
        )

    return make


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """Fake LINE and AGCOD on loopback, with the settings pointing at them."""
    with Sandbox(
        access_token=ACCESS_TOKEN,
        agcod_access_key=AGCOD_KEY,
        agcod_secret_key=AGCOD_SECRET,
        agcod_partner_id="Kyufu",
        agcod_delay_seconds=1.0,
    ) as running:
        settings.AGCOD_ENDPOINT = running.agcod_url
        settings.AGCOD_ACCESS_KEY_ID = AGCOD_KEY
        settings.AGCOD_SECRET_ACCESS_KEY = AGCOD_SECRET
        settings.AGCOD_PARTNER_ID = "Kyufu"
        settings.AGCOD_TIMEOUT = 0.5
        settings.LINE_API_BASE_URL = running.line_url
        settings.LINE_DATA_API_BASE_URL = running.line_url
        yield running


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "RETRY_BACKOFF_SECONDS", 0.0)


@pytest.fixture
def payout(
    sandbox: Sandbox, eligible_people: list[Any], make_application: Callable[..., Any]
) -> Any:
    """A reserved payout for 山田 花子, who follows the account."""
    application = make_application(eligible_people[0])
    sandbox.line.add_follower(application.line_user.user_id)
    return services.create_payout(application)


def gift_messages(sandbox: Sandbox, payout: Any) -> list[dict[str, Any]]:
    """The Flex gift-code cards LINE received for the payout's resident."""
    user_id = payout.application.line_user.user_id
    return [m for m in sandbox.line.messages_for(user_id) if m["type"] == "flex"]
