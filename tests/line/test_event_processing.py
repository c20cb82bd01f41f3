"""The worker handles each resident's events in time order, one by one."""

import json
from datetime import UTC, datetime

import pytest

from kyufu.line.inputs import ChatInput
from kyufu.line.models import (
    EventStatus,
    LineUser,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    WebhookEvent,
)

from .payloads import (
    HANAKO,
    ICHIRO,
    T0,
    body_of,
    event,
    follow,
    postback,
    text,
    unfollow,
)

pytestmark = pytest.mark.django_db


def status_of(event_id: str) -> str:
    return WebhookEvent.objects.get(event_id=event_id).status


def test_a_later_arriving_earlier_event_is_handled_first(
    post_webhook, engine, run_tasks
) -> None:
    post_webhook(body_of(text(HANAKO, "二つ目", at=T0 + 2000)))
    post_webhook(body_of(text(HANAKO, "一つ目", at=T0 + 1000)))

    run_tasks()

    assert engine.texts(HANAKO) == ["一つ目", "二つ目"]


def test_follow_and_unfollow_update_the_follower(
    post_webhook, engine, run_tasks
) -> None:
    post_webhook(body_of(follow(HANAKO, at=T0)))
    run_tasks()
    hanako = LineUser.objects.get(user_id=HANAKO)
    assert hanako.is_following
    assert hanako.followed_at == datetime.fromtimestamp(T0 / 1000, tz=UTC)
    assert engine.calls == [(HANAKO, ChatInput(kind="follow"))]

    post_webhook(body_of(unfollow(HANAKO, at=T0 + 5000)))
    post_webhook(body_of(follow(HANAKO, at=T0 + 1000)))  # stale, arrives late
    run_tasks()

    hanako.refresh_from_db()
    assert not hanako.is_following
    assert hanako.unfollowed_at == datetime.fromtimestamp((T0 + 5000) / 1000, tz=UTC)


def test_an_unknown_event_type_is_stored_and_ignored(
    post_webhook, engine, run_tasks
) -> None:
    edited = event("messageEdited", HANAKO, message={"id": "1", "type": "text"})

    assert post_webhook(body_of(edited)).status_code == 200
    run_tasks()

    assert status_of(edited["webhookEventId"]) == EventStatus.IGNORED
    assert engine.calls == []


def test_in_standby_mode_the_bot_stays_silent(post_webhook, engine, run_tasks) -> None:
    standby = text(HANAKO, "こんにちは", mode="standby")

    post_webhook(body_of(standby))
    run_tasks()

    assert status_of(standby["webhookEventId"]) == EventStatus.IGNORED
    assert engine.calls == []
    assert not OutboundMessage.objects.exists()


def test_a_failing_handler_marks_its_event_and_blocks_no_one(
    post_webhook, engine, run_tasks
) -> None:
    engine.fail_on = {"壊れる"}
    broken = text(HANAKO, "壊れる", at=T0)
    after = text(HANAKO, "次の発言", at=T0 + 1000)
    other = text(ICHIRO, "申請したい", at=T0)

    post_webhook(body_of(broken, after, other))
    run_tasks()

    failed = WebhookEvent.objects.get(event_id=broken["webhookEventId"])
    assert failed.status == EventStatus.FAILED
    assert failed.attempts == 1
    assert failed.last_error == "RuntimeError: the engine broke"
    assert status_of(after["webhookEventId"]) == EventStatus.PROCESSED
    assert status_of(other["webhookEventId"]) == EventStatus.PROCESSED
    # The failed event's reply was rolled back with it.
    assert OutboundMessage.objects.count() == 2


def test_the_engine_answer_is_replied_with_the_events_token(
    post_webhook, engine, run_tasks, fake_line
) -> None:
    said = text(HANAKO, "申請したい", reply_token="r" * 32)

    post_webhook(body_of(said))
    run_tasks()

    assert fake_line.replied_texts("r" * 32) == ["ok: 申請したい"]
    reply = OutboundMessage.objects.get()
    assert (reply.kind, reply.status) == (OutboundKind.REPLY, OutboundStatus.SENT)


def test_without_a_reply_token_the_answer_is_pushed(
    post_webhook, engine, run_tasks, fake_line
) -> None:
    tapped = postback(HANAKO, "action=start")
    del tapped["replyToken"]  # optional on postback events

    post_webhook(body_of(tapped))
    run_tasks()

    assert fake_line.pushed_texts(HANAKO) == ["ok: postback"]


def test_a_silent_engine_sends_nothing(post_webhook, engine, run_tasks) -> None:
    engine.silent = True

    post_webhook(body_of(text(HANAKO, "ありがとう")))
    run_tasks()

    assert WebhookEvent.objects.get().status == EventStatus.PROCESSED
    assert not OutboundMessage.objects.exists()


def test_events_become_chat_inputs(post_webhook, engine, run_tasks) -> None:
    picked = postback(HANAKO, "q=birth_date", {"date": "1985-04-12"}, at=T0)
    photo = event(
        "message", HANAKO, at=T0 + 1, message={"id": "325708", "type": "image"}
    )

    post_webhook(body_of(picked, photo))
    run_tasks()

    assert [chat_input for _, chat_input in engine.calls] == [
        ChatInput(kind="postback", data="q=birth_date", params={"date": "1985-04-12"}),
        ChatInput(kind="other", message_type="image", message_id="325708"),
    ]


def test_what_the_resident_typed_is_not_kept_after_handling(
    post_webhook, engine, run_tasks
) -> None:
    post_webhook(
        body_of(
            text(HANAKO, "ヤマダ ハナコ", at=T0),
            postback(HANAKO, "q=birth_date", {"date": "1985-04-12"}, at=T0 + 1),
        )
    )
    run_tasks()

    payloads = json.dumps(
        list(WebhookEvent.objects.values_list("payload", flat=True)), ensure_ascii=False
    )
    assert "ヤマダ" not in payloads
    assert "1985-04-12" not in payloads
    assert HANAKO in payloads


def test_more_than_five_messages_fail_the_event(
    post_webhook, monkeypatch, run_tasks
) -> None:
    monkeypatch.setattr(
        "kyufu.line.handlers.converse",
        lambda user, chat_input: [{"type": "text", "text": str(n)} for n in range(6)],
    )

    post_webhook(body_of(text(HANAKO, "こんにちは")))
    run_tasks()

    failed = WebhookEvent.objects.get()
    assert failed.status == EventStatus.FAILED
    assert "not 6" in failed.last_error
    assert not OutboundMessage.objects.exists()
