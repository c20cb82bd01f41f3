"""LineClient sends LINE JSON as given and raises only LineApiError."""

import socket
from typing import Any

import pytest

from kyufu.line.client import LineApiError, LineClient

from .payloads import HANAKO

pytestmark = pytest.mark.django_db

RETRY_KEY = "123e4567-e89b-12d3-a456-426614174000"

QUESTION = {
    "type": "text",
    "text": "生年月日を選んでください。",
    "quickReply": {
        "items": [
            {
                "type": "action",
                "action": {
                    "type": "datetimepicker",
                    "label": "日付を選ぶ",
                    "data": "q=birth_date",
                    "mode": "date",
                    "initial": "1980-01-01",
                    "max": "2025-12-31",
                    "min": "1900-01-01",
                },
            },
            {
                "type": "action",
                "action": {
                    "type": "postback",
                    "label": "やめる",
                    "data": "cancel",
                    "displayText": "やめる",
                },
            },
        ]
    },
}
CONFIRM = {
    "type": "template",
    "altText": "確認",
    "template": {
        "type": "confirm",
        "text": "この内容で申請しますか",
        "actions": [
            {"type": "postback", "label": "はい", "data": "confirm=yes"},
            {"type": "message", "label": "いいえ", "text": "いいえ"},
        ],
    },
}
BUTTONS = {
    "type": "template",
    "altText": "受け取り方法",
    "template": {
        "type": "buttons",
        "title": "受け取り方法",
        "text": "選んでください",
        "actions": [{"type": "uri", "label": "詳しく", "uri": "https://example.jp"}],
    },
}
CARD = {
    "type": "flex",
    "altText": "子育て応援給付金のお知らせ",
    "contents": {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "text", "text": "子育て応援給付金", "weight": "bold"},
                {
                    "type": "button",
                    "style": "primary",
                    "action": {
                        "type": "postback",
                        "label": "申請する",
                        "data": "start",
                    },
                },
            ],
        },
    },
}


@pytest.fixture
def line_client(channel: Any, fake_line: Any) -> Any:
    with LineClient(channel) as client:
        yield client


def test_messages_reach_line_exactly_as_given(line_client, fake_line) -> None:
    messages = [QUESTION, CONFIRM, BUTTONS, CARD]

    line_client.push(HANAKO, messages, RETRY_KEY)

    request = fake_line.requests[-1]
    assert (request.body["to"], request.body["messages"]) == (HANAKO, messages)
    assert request.headers["x-line-retry-key"] == RETRY_KEY
    assert request.headers["authorization"] == "Bearer test-access-token"


def test_reply_sends_the_token_and_returns_the_request_id(
    line_client, fake_line
) -> None:
    request_id = line_client.reply("r" * 32, [QUESTION])

    body = fake_line.requests[-1].body
    assert (body["replyToken"], body["messages"]) == ("r" * 32, [QUESTION])
    assert request_id


def test_a_409_for_an_accepted_retry_key_is_success(line_client, fake_line) -> None:
    fake_line.accepted_keys[RETRY_KEY] = "accepted-request-id"

    assert line_client.push(HANAKO, [QUESTION], RETRY_KEY) == "accepted-request-id"
    assert fake_line.delivered == []


def test_an_answer_the_sdk_cannot_read_is_still_success(line_client, fake_line) -> None:
    fake_line.odd_answer()

    assert line_client.push(HANAKO, [QUESTION], RETRY_KEY)
    assert line_client.reply("r" * 32, [QUESTION])  # no odd answer queued here


def test_get_profile(line_client, fake_line) -> None:
    fake_line.profiles[HANAKO] = {"userId": HANAKO, "displayName": "はなこ"}

    assert line_client.get_profile(HANAKO)["displayName"] == "はなこ"


@pytest.mark.parametrize(
    ("status", "permanent", "maybe_delivered"),
    [
        (400, True, False),
        (401, True, False),
        (403, True, False),
        (404, True, False),
        (429, False, False),
        (500, False, True),
        (503, False, True),
    ],
)
def test_line_errors_are_classified(
    line_client, fake_line, status, permanent, maybe_delivered
) -> None:
    fake_line.answer(status, "refused")

    with pytest.raises(LineApiError) as raised:
        line_client.push(HANAKO, [QUESTION], RETRY_KEY)

    assert raised.value.status == status
    assert raised.value.permanent is permanent
    assert raised.value.maybe_delivered is maybe_delivered
    assert "refused" in raised.value.message


def test_a_timeout_is_transient_and_maybe_delivered(line_client, fake_line) -> None:
    fake_line.stall(1.5)

    with pytest.raises(LineApiError) as raised:
        line_client.push(HANAKO, [QUESTION], RETRY_KEY)

    assert (raised.value.permanent, raised.value.maybe_delivered) == (False, True)
    # Nothing of urllib3 or the SDK travels along, not even as the cause.
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_a_dropped_connection_is_transient_and_maybe_delivered(
    line_client, fake_line
) -> None:
    fake_line.hang_up()

    with pytest.raises(LineApiError) as raised:
        line_client.reply("r" * 32, [QUESTION])

    assert (raised.value.permanent, raised.value.maybe_delivered) == (False, True)


def test_a_refused_connection_was_surely_not_delivered(channel, settings) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        settings.LINE_API_BASE_URL = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with LineClient(channel) as client, pytest.raises(LineApiError) as raised:
        client.reply("r" * 32, [QUESTION])

    assert (raised.value.permanent, raised.value.maybe_delivered) == (False, False)


def test_an_invalid_message_is_permanent_and_not_echoed(line_client, fake_line) -> None:
    secret = "AQBC-DEFGHI-JKLM"  # what a gift code looks like

    for broken in [
        {"type": "nonsense", "text": secret},
        {"text": secret},
        {"type": "text"},
    ]:
        with pytest.raises(LineApiError) as raised:
            line_client.push(HANAKO, [broken], RETRY_KEY)
        assert raised.value.permanent
        assert secret not in str(raised.value)
    assert fake_line.requests == []


def test_at_most_five_messages_per_request(line_client, fake_line) -> None:
    with pytest.raises(LineApiError):
        line_client.push(HANAKO, [QUESTION] * 6, RETRY_KEY)
    with pytest.raises(LineApiError):
        line_client.reply("r" * 32, [])
