"""Outbound messages: stored first, sent once, retried safely, then erased."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kyufu.line import services
from kyufu.line.models import LineUser, OutboundKind, OutboundMessage, OutboundStatus

from .payloads import HANAKO

pytestmark = pytest.mark.django_db

HELLO = [{"type": "text", "text": "ギフトコード: AQBC-DEFGHI-JKLM"}]


@pytest.fixture
def hanako(channel: Any) -> LineUser:
    return LineUser.objects.create(channel=channel, user_id=HANAKO, is_following=True)


def raw_messages_column(outbound: OutboundMessage) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT messages FROM line_outboundmessage WHERE id = %s", [outbound.pk]
        )
        return cursor.fetchone()[0]


def test_a_push_is_stored_with_its_retry_key_before_any_attempt(
    hanako, fake_line
) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")

    stored = OutboundMessage.objects.get(pk=outbound.pk)
    assert stored.retry_key == outbound.retry_key
    assert (stored.kind, stored.status, stored.attempts) == ("push", "pending", 0)
    assert stored.messages == HELLO
    assert "AQBC" not in raw_messages_column(stored)  # encrypted at rest
    assert fake_line.requests == []


def test_a_retry_after_a_timeout_reuses_the_key_and_delivers_once(
    hanako, fake_line
) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")
    fake_line.stall(1.5)  # LINE takes the message, its answer comes too late

    assert services.send_outbound(outbound) is False
    assert (outbound.status, outbound.attempts) == (OutboundStatus.PENDING, 1)
    assert "no answer from LINE" in outbound.last_error

    assert services.send_outbound(outbound) is True

    keys = [r.headers["x-line-retry-key"] for r in fake_line.requests]
    assert keys == [str(outbound.retry_key)] * 2
    assert fake_line.pushed_texts(HANAKO) == ["ギフトコード: AQBC-DEFGHI-JKLM"]
    assert outbound.request_id == fake_line.accepted_keys[str(outbound.retry_key)]


def test_a_409_for_the_key_counts_as_sent(hanako, fake_line) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")
    fake_line.accepted_keys[str(outbound.retry_key)] = "earlier-request"

    assert services.send_outbound(outbound) is True
    assert (outbound.status, outbound.request_id) == ("sent", "earlier-request")


def test_the_content_is_erased_once_delivered(hanako, fake_line) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")

    services.send_outbound(outbound)

    assert outbound.status == OutboundStatus.SENT
    assert outbound.sent_at is not None
    assert outbound.messages is None
    assert raw_messages_column(outbound) is None


def test_a_permanent_refusal_fails_the_message(hanako, fake_line) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")
    fake_line.answer(400, "The request body has 1 error(s)")

    assert services.send_outbound(outbound) is False

    assert outbound.status == OutboundStatus.FAILED
    assert outbound.last_error == "LINE answered 400: The request body has 1 error(s)"
    assert outbound.messages is None
    assert services.send_outbound(outbound) is False
    assert len(fake_line.requests) == 1


def test_a_reply_is_not_retried_after_an_ambiguous_failure(
    hanako, fake_line, run_tasks
) -> None:
    fake_line.stall(1.5)

    outbound = services.queue_reply(hanako, "r" * 32, HELLO)
    run_tasks()

    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.FAILED
    assert len(fake_line.requests) == 1
    assert not OutboundMessage.objects.filter(kind=OutboundKind.PUSH).exists()


def test_a_reply_refused_before_delivery_may_be_retried(hanako, fake_line) -> None:
    outbound = services.queue_reply(hanako, "r" * 32, HELLO)
    fake_line.answer(429, "The API rate limit has been exceeded. Try again later.")

    assert services.send_outbound(outbound) is False
    assert outbound.status == OutboundStatus.PENDING
    assert services.send_outbound(outbound) is True
    assert fake_line.replied_texts("r" * 32) == ["ギフトコード: AQBC-DEFGHI-JKLM"]


def test_an_expired_reply_token_falls_back_to_a_push(
    hanako, fake_line, run_tasks
) -> None:
    fake_line.used_reply_tokens.add("r" * 32)  # LINE answers "Invalid reply token"

    reply = services.queue_reply(hanako, "r" * 32, HELLO)
    run_tasks()

    reply.refresh_from_db()
    assert reply.status == OutboundStatus.FAILED
    assert "Invalid reply token" in reply.last_error
    assert fake_line.pushed_texts(HANAKO) == ["ギフトコード: AQBC-DEFGHI-JKLM"]


def test_the_delivery_task_retries_later_with_the_same_row(
    hanako, fake_line, run_tasks
) -> None:
    fake_line.answer(500, "Internal server error")
    before = timezone.now()

    outbound = services.queue_push(hanako, HELLO, purpose="gift_code")
    run_tasks()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundStatus.PENDING, 1)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"] == [outbound.pk]
    assert retry.run_after >= before + timedelta(seconds=2)

    retry.run_after = timezone.now()
    retry.save()
    run_tasks()

    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert fake_line.pushed_texts(HANAKO) == ["ギフトコード: AQBC-DEFGHI-JKLM"]


def test_a_reply_stops_retrying_at_the_bound(hanako, fake_line) -> None:
    outbound = services.queue_reply(hanako, "r" * 32, HELLO)
    for _ in range(services.MAX_DELIVERY_ATTEMPTS):
        fake_line.answer(429, "The API rate limit has been exceeded. Try again later.")
        services.send_outbound(outbound)

    assert outbound.status == OutboundStatus.FAILED
    assert outbound.attempts == services.MAX_DELIVERY_ATTEMPTS
    assert outbound.messages is None


def test_a_push_keeps_retrying_through_a_long_outage(hanako, fake_line) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")
    for _ in range(services.MAX_DELIVERY_ATTEMPTS * 3):
        fake_line.answer(503, "Service unavailable")
        assert services.send_outbound(outbound) is False

    assert outbound.status == OutboundStatus.PENDING
    assert services.send_outbound(outbound) is True
    assert fake_line.pushed_texts(HANAKO) == ["ギフトコード: AQBC-DEFGHI-JKLM"]


def test_a_push_gives_up_before_line_forgets_its_retry_key(hanako, fake_line) -> None:
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        created_at=timezone.now() - services.PUSH_RETRY_WINDOW
    )
    outbound.refresh_from_db()
    fake_line.answer(503, "Service unavailable")

    assert services.send_outbound(outbound) is False
    assert outbound.status == OutboundStatus.FAILED
    assert outbound.messages is None


def test_retry_delays_grow_but_stay_bounded() -> None:
    assert services.retry_delay(1) == timedelta(seconds=2)
    assert services.retry_delay(4) == timedelta(seconds=16)
    assert services.retry_delay(50) == services.MAX_RETRY_DELAY
