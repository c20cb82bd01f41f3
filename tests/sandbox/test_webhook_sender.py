"""The webhook sender: LINE's body shapes, signatures, redelivery, followers."""

import re

from linebot.v3 import WebhookParser
from linebot.v3.webhooks import (
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from kyufu.sandbox import ids
from kyufu.sandbox.webhook_sender import sign
from tests.sandbox.conftest import BOT_USER_ID, CHANNEL_SECRET, HANAKO

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def test_signature_matches_the_official_sdk_vector() -> None:
    signature = sign("channel_secret", b"bodybodybodybody")

    assert signature == "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="


def test_ulids_are_crockford_base32_and_time_ordered() -> None:
    made = [ids.new_ulid() for _ in range(200)]
    at_a_moment = ids.new_ulid(now_ms=1_469_918_176_385)

    assert all(ULID.match(u) for u in made)
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert at_a_moment.startswith("01ARYZ6S41")  # the ULID spec's example


def test_follow_reaches_the_bot_signed_and_shaped_like_line(sandbox, receiver):
    status = sandbox.line.follow(HANAKO, "はなこ")

    assert status == 200
    (got,) = receiver.received
    assert got.headers["x-line-signature"] == sign(CHANNEL_SECRET, got.body)
    assert got.headers["content-type"].startswith("application/json")
    payload = got.payload
    assert payload["destination"] == BOT_USER_ID
    (event,) = payload["events"]
    assert event["type"] == "follow"
    assert event["mode"] == "active"
    assert event["follow"] == {"isUnblocked": False}
    assert event["deliveryContext"] == {"isRedelivery": False}
    assert event["source"] == {"type": "user", "userId": HANAKO}
    assert re.fullmatch(r"[0-9a-f]{32}", event["replyToken"])
    assert ULID.match(event["webhookEventId"])
    assert isinstance(event["timestamp"], int) and event["timestamp"] > 1e12
    assert HANAKO in sandbox.line.followers


def test_the_official_parser_accepts_every_event_kind(sandbox, receiver):
    sandbox.line.follow(HANAKO)
    sandbox.line.send_text(HANAKO, "申請したい　です")
    sandbox.line.send_postback(HANAKO, "action=birth", {"date": "1985-04-12"})
    sandbox.line.unfollow(HANAKO)
    sandbox.line.follow(HANAKO)
    parser = WebhookParser(CHANNEL_SECRET)

    events = [
        parser.parse(r.body.decode(), r.headers["x-line-signature"])[0]
        for r in receiver.received
    ]

    follow, text, postback, unfollow, refollow = events
    assert isinstance(follow, FollowEvent)
    assert isinstance(text, MessageEvent)
    assert isinstance(text.message, TextMessageContent)
    assert text.message.text == "申請したい　です"
    assert text.message.quote_token
    assert text.message.id.isdigit()
    assert isinstance(postback, PostbackEvent)
    assert postback.postback.data == "action=birth"
    assert postback.postback.params == {"date": "1985-04-12"}
    assert isinstance(unfollow, UnfollowEvent)
    assert "replyToken" not in receiver.received[3].payload["events"][0]
    assert refollow.follow.is_unblocked is True


def test_body_keeps_japanese_as_utf8_and_is_signed_over_those_bytes(sandbox, receiver):
    sandbox.line.send_text(HANAKO, "山田　花子")

    body = receiver.received[0].body
    assert "山田　花子".encode() in body
    assert receiver.received[0].headers["x-line-signature"] == sign(
        CHANNEL_SECRET, body
    )


def test_redelivery_repeats_the_event_id_with_the_flag_set(sandbox, receiver):
    sandbox.line.send_text(HANAKO, "こんにちは")
    first = receiver.received[0].payload["events"][0]

    assert sandbox.line.redeliver() == 200

    again = receiver.received[1].payload["events"][0]
    assert again["webhookEventId"] == first["webhookEventId"]
    assert again["deliveryContext"] == {"isRedelivery": True}
    assert again["message"] == first["message"]


def test_verify_request_has_no_events(sandbox, receiver):
    assert sandbox.line.send_verify() == 200

    assert receiver.received[0].payload == {"destination": BOT_USER_ID, "events": []}


def test_a_failing_webhook_is_reported_and_noted_in_the_chat(sandbox, receiver):
    receiver.status = 500

    status = sandbox.line.send_text(HANAKO, "もしもし")

    assert status == 500
    note = sandbox.line.transcript(HANAKO)[-1]
    assert note["from"] == "system"
    assert note["level"] == "error"
    assert "500" in note["text"]


def test_an_unreachable_webhook_gives_status_zero(sandbox):
    sandbox.line.webhook_url = "http://127.0.0.1:9/nowhere/"

    assert sandbox.line.send_text(HANAKO, "もしもし") == 0


def test_reply_tokens_in_events_are_accepted_by_the_fake(sandbox, receiver, line):
    sandbox.line.send_text(HANAKO, "こんにちは")
    token = receiver.received[0].payload["events"][0]["replyToken"]

    response = line(
        "POST",
        "/v2/bot/message/reply",
        json={"replyToken": token, "messages": [{"type": "text", "text": "はい"}]},
    )

    assert response.status_code == 200
    assert sandbox.line.messages_for(HANAKO) == [{"type": "text", "text": "はい"}]
