"""Work a dead worker left behind is picked up again, never doubled."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kyufu.line import recovery, services
from kyufu.line.models import (
    EventStatus,
    LineUser,
    OutboundMessage,
    OutboundStatus,
    WebhookEvent,
)

from .payloads import HANAKO, body_of, text

HELLO = [{"type": "text", "text": "こんにちは"}]


def _age(model: Any, pk: int, **fields: Any) -> None:
    model.objects.filter(pk=pk).update(**fields)


def test_pending_events_whose_task_died_are_processed(
    post_webhook, engine, run_tasks
) -> None:
    post_webhook(body_of(text(HANAKO, "こんにちは")))
    event = WebhookEvent.objects.get()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(status="RUNNING")  # claimed by a dead worker
    _age(WebhookEvent, event.pk, received_at=timezone.now() - timedelta(minutes=3))

    assert recovery.recover_stale_events() == 1
    run_tasks()

    event.refresh_from_db()
    assert event.status == EventStatus.PROCESSED
    assert engine.texts() == ["こんにちは"]


def test_fresh_pending_events_are_left_to_their_task(post_webhook, engine) -> None:
    post_webhook(body_of(text(HANAKO, "こんにちは")))
    assert recovery.recover_stale_events() == 0


def test_a_push_left_sending_goes_back_with_its_retry_key(
    channel, fake_line, run_tasks
) -> None:
    hanako = LineUser.objects.create(channel=channel, user_id=HANAKO, is_following=True)
    outbound = services.create_push(hanako, HELLO, purpose="gift_code")
    key = outbound.retry_key
    _age(
        OutboundMessage,
        outbound.pk,
        status=OutboundStatus.SENDING,
        claimed_at=timezone.now() - timedelta(minutes=6),
    )

    assert recovery.recover_stale_sends() == 1
    run_tasks()

    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert outbound.retry_key == key
    assert fake_line.pushed_texts(HANAKO) == ["こんにちは"]


def test_a_reply_left_sending_is_failed_not_risked_twice(
    channel, fake_line, run_tasks
) -> None:
    hanako = LineUser.objects.create(channel=channel, user_id=HANAKO, is_following=True)
    outbound = OutboundMessage.objects.create(
        channel=channel,
        line_user=hanako,
        kind="reply",
        reply_token="r" * 32,
        messages=HELLO,
        status=OutboundStatus.SENDING,
        claimed_at=timezone.now() - timedelta(minutes=6),
    )

    assert recovery.recover_stale_sends() == 1
    run_tasks()

    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.FAILED
    assert outbound.messages is None
    assert fake_line.requests == []


def test_the_sweep_does_not_pile_copies_onto_a_backlog(post_webhook, engine) -> None:
    from django_tasks_db.models import DBTaskResult

    post_webhook(body_of(text(HANAKO, "こんにちは")))
    event = WebhookEvent.objects.get()
    _age(WebhookEvent, event.pk, received_at=timezone.now() - timedelta(minutes=3))

    for _ in range(5):
        recovery.recover_stale_events()

    processing = DBTaskResult.objects.filter(
        task_path__endswith="process_line_user_events"
    )
    assert processing.count() == 1
