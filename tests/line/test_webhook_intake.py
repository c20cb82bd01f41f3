"""The webhook stores each event once, answers at once, handles nothing itself."""

import json

import pytest

from kyufu.line.models import EventStatus, LineUser, WebhookEvent

from .payloads import BOT_USER_ID, HANAKO, body_of, event, text

pytestmark = pytest.mark.django_db


def test_lines_verify_request_with_no_events_is_answered(post_webhook) -> None:
    response = post_webhook(
        json.dumps({"destination": BOT_USER_ID, "events": []}).encode()
    )

    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 0


def test_the_old_console_verify_payload_is_answered_and_never_replied(
    post_webhook, engine, run_tasks
) -> None:
    dummy = "U" + "deadbeef" * 4
    events = [
        text(dummy, "Hello, world", reply_token="0" * 32),
        event(
            "message",
            dummy,
            reply_token="f" * 32,
            message={"id": "2", "type": "sticker"},
        ),
    ]
    for raw in events:  # the old payloads had neither of these
        del raw["webhookEventId"], raw["mode"]

    response = post_webhook(json.dumps({"events": events}).encode())
    run_tasks()

    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 0
    assert engine.calls == []


def test_a_body_that_is_not_json_is_refused(post_webhook) -> None:
    assert post_webhook(b"{not json").status_code == 400
    assert post_webhook(b'{"destination": "U1"}').status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_an_event_without_its_id_is_refused(post_webhook) -> None:
    broken = text(HANAKO, "こんにちは")
    del broken["webhookEventId"]

    assert post_webhook(body_of(broken)).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_the_view_stores_and_queues_but_does_not_handle(
    post_webhook, engine, run_tasks
) -> None:
    response = post_webhook(body_of(text(HANAKO, "申請したい")))

    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == EventStatus.PENDING
    assert stored.line_user == LineUser.objects.get(user_id=HANAKO)
    assert engine.calls == []

    run_tasks()

    assert engine.texts() == ["申請したい"]
    stored.refresh_from_db()
    assert stored.status == EventStatus.PROCESSED


def test_the_same_event_twice_is_stored_and_handled_once(
    post_webhook, engine, run_tasks
) -> None:
    original = text(HANAKO, "申請したい", event_id="01SAMEEVENTID0000000000000")
    redelivered = dict(original, deliveryContext={"isRedelivery": True})

    assert post_webhook(body_of(original)).status_code == 200
    assert post_webhook(body_of(original)).status_code == 200
    run_tasks()
    assert post_webhook(body_of(redelivered)).status_code == 200
    run_tasks()

    assert WebhookEvent.objects.count() == 1
    assert engine.texts() == ["申請したい"]


def test_a_duplicate_inside_one_request_is_stored_once(
    post_webhook, engine, run_tasks
) -> None:
    once = text(HANAKO, "申請したい")

    assert post_webhook(body_of(once, once)).status_code == 200
    run_tasks()

    assert WebhookEvent.objects.count() == 1
    assert engine.texts() == ["申請したい"]


def test_group_events_are_stored_as_ignored(post_webhook, engine, run_tasks) -> None:
    post_webhook(body_of(text(None, "グループでの発言"), event("join", None)))
    run_tasks()

    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {
        EventStatus.IGNORED
    }
    assert WebhookEvent.objects.filter(line_user__isnull=True).count() == 2
    assert engine.calls == []
    assert "グループでの発言" not in json.dumps(
        list(WebhookEvent.objects.values_list("payload", flat=True)), ensure_ascii=False
    )
