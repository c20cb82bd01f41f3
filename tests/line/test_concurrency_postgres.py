"""Two workers at once on PostgreSQL: events handled once, messages sent once."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from kyufu.line import services
from kyufu.line.models import EventStatus, LineUser, OutboundMessage, WebhookEvent
from kyufu.line.webhook import parse_events

from .payloads import HANAKO, T0, body_of, text

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel connections need PostgreSQL")


def in_parallel(work: Callable[[], Any], workers: int = 2) -> None:
    """Run `work` on several threads, each with its own database connection."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_two_workers_handle_each_event_once_and_in_order(channel, monkeypatch) -> None:
    said: list[str] = []
    lock = threading.Lock()

    def slow_engine(line_user: Any, chat_input: Any) -> list[dict[str, Any]]:
        time.sleep(0.02)  # widen the window in which a second worker could slip in
        with lock:
            said.append(chat_input.text)
        return [{"type": "text", "text": "ok"}]

    monkeypatch.setattr("kyufu.line.handlers.converse", slow_engine)
    words = [f"発言{n}" for n in range(8)]
    events = [text(HANAKO, w, at=T0 + n) for n, w in enumerate(words)]
    services.receive_events(channel, parse_events(body_of(*reversed(events))))
    hanako = LineUser.objects.get(user_id=HANAKO)

    in_parallel(lambda: services.process_user_events(hanako.pk))

    assert said == words
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {
        EventStatus.PROCESSED
    }
    assert OutboundMessage.objects.count() == len(words)


def test_two_workers_send_a_message_once(channel, fake_line) -> None:
    hanako = LineUser.objects.create(channel=channel, user_id=HANAKO)
    outbound = services.create_push(
        hanako, [{"type": "text", "text": "ok"}], purpose="t"
    )
    fake_line.stall(0.3)  # a slow but successful answer

    in_parallel(
        lambda: services.send_outbound(OutboundMessage.objects.get(pk=outbound.pk))
    )

    outbound.refresh_from_db()
    assert outbound.status == "sent"
    assert len(fake_line.requests) == 1
