"""Two LINE accounts of one person pressing 送信 at the same moment (PostgreSQL)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from kyufu.intake.models import Application, ApplicationStatus
from kyufu.payouts.models import Payout

from .conftest import Chat, apply_until_confirmation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs real parallel connections (PostgreSQL)")


def test_only_one_of_two_simultaneous_submissions_is_paid(
    new_chat: Callable[[str], Chat], programme: Any, eligible_people: Any
) -> None:
    phone, tablet = new_chat("hanako-phone"), new_chat("hanako-tablet")
    confirmations = [apply_until_confirmation(chat) for chat in (phone, tablet)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def submit(chat: Chat, reply: list[dict[str, Any]]) -> None:
        try:
            start.wait()
            chat.tap("送信", reply)
        except BaseException as exc:  # reported in the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(chat, reply))
        for chat, reply in zip((phone, tablet), confirmations, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not failures, failures
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == [ApplicationStatus.DUPLICATE, ApplicationStatus.MATCHED]
    assert Payout.objects.count() == 1
