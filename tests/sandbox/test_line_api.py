"""The fake Messaging API: auth, reply tokens, retry keys, validation, faults."""

import time
import uuid

import pytest

from tests.sandbox.conftest import HANAKO, ICHIRO

TEXT = [{"type": "text", "text": "ご申請ありがとうございます。"}]


def error_details(response):
    return [(d["property"], d["message"]) for d in response.json()["details"]]


def test_every_answer_carries_a_request_id(line):
    assert line("GET", "/v2/bot/message/quota").headers["x-line-request-id"]
    assert line("GET", "/v2/bot/nothing/here").headers["x-line-request-id"]


def test_a_wrong_access_token_is_refused(line):
    response = line("GET", "/v2/bot/message/quota", token="stolen")

    assert response.status_code == 401
    assert response.json()["message"].startswith(
        "Authentication failed due to the following reason: invalid token."
    )
    assert response.headers["x-line-request-id"]


def test_a_reply_token_works_once(sandbox, line):
    token = sandbox.line.issue_reply_token(HANAKO)
    body = {"replyToken": token, "messages": TEXT}

    first = line("POST", "/v2/bot/message/reply", json=body)
    second = line("POST", "/v2/bot/message/reply", json=body)

    assert first.status_code == 200
    (sent,) = first.json()["sentMessages"]
    assert sent["id"].isdigit() and sent["quoteToken"]
    assert second.status_code == 400
    assert second.json() == {"message": "Invalid reply token"}
    assert [s.endpoint for s in sandbox.line.sent_for(HANAKO)] == ["reply"]


def test_a_reply_token_expires(sandbox, line):
    sandbox.line.reply_token_ttl = 0.05
    token = sandbox.line.issue_reply_token(HANAKO)
    time.sleep(0.1)

    response = line(
        "POST", "/v2/bot/message/reply", json={"replyToken": token, "messages": TEXT}
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Invalid reply token"


def test_unknown_and_dummy_reply_tokens_are_invalid(line):
    for token in ("0" * 32, "f" * 32, "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"):
        body = {"replyToken": token, "messages": TEXT}
        response = line("POST", "/v2/bot/message/reply", json=body)
        assert response.status_code == 400


def test_a_retry_key_on_reply_is_refused(sandbox, line):
    token = sandbox.line.issue_reply_token(HANAKO)

    response = line(
        "POST",
        "/v2/bot/message/reply",
        json={"replyToken": token, "messages": TEXT},
        headers={"X-Line-Retry-Key": str(uuid.uuid4())},
    )

    assert response.status_code == 400
    assert sandbox.line.messages_for(HANAKO) == []


def test_push_with_a_retry_key_runs_once_and_a_retry_gets_409(sandbox, line):
    sandbox.line.add_follower(HANAKO)
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    body = {"to": HANAKO, "messages": TEXT}

    first = line("POST", "/v2/bot/message/push", json=body, headers=key)
    retry = line("POST", "/v2/bot/message/push", json=body, headers=key)

    assert first.status_code == 200
    assert retry.status_code == 409
    accepted_id = retry.headers["x-line-accepted-request-id"]
    assert accepted_id == first.headers["x-line-request-id"]
    assert retry.json() == {
        "message": "The retry key is already accepted",
        "sentMessages": first.json()["sentMessages"],
    }
    assert sandbox.line.messages_for(HANAKO) == TEXT


def test_a_retry_key_must_be_a_uuid(sandbox, line):
    sandbox.line.add_follower(HANAKO)

    response = line(
        "POST",
        "/v2/bot/message/push",
        json={"to": HANAKO, "messages": TEXT},
        headers={"X-Line-Retry-Key": "not-a-uuid"},
    )

    assert response.status_code == 400


def test_a_refused_push_does_not_use_up_its_retry_key(sandbox, line):
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    body = {"to": HANAKO, "messages": TEXT}

    refused = line("POST", "/v2/bot/message/push", json=body, headers=key)
    sandbox.line.add_follower(HANAKO)
    accepted = line("POST", "/v2/bot/message/push", json=body, headers=key)

    assert refused.status_code == 400
    assert refused.json() == {"message": "Failed to send messages"}
    assert accepted.status_code == 200


def test_push_to_someone_who_blocked_the_account_fails(sandbox, line):
    sandbox.line.follow(HANAKO)
    sandbox.line.unfollow(HANAKO)

    response = line(
        "POST", "/v2/bot/message/push", json={"to": HANAKO, "messages": TEXT}
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Failed to send messages"


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (TEXT * 6, ("messages", "Size must be between 1 and 5")),
        ([], ("messages", "Size must be between 1 and 5")),
        (
            [{"type": "text", "text": "あ" * 5001}],
            ("messages[0].text", "Length must be between 1 and 5000"),
        ),
        (
            [{"type": "text", "text": "😀" * 2501}],
            ("messages[0].text", "Length must be between 1 and 5000"),
        ),
        (
            [{"type": "flex", "contents": {"type": "bubble"}}],
            ("messages[0].altText", "must be specified"),
        ),
        (
            [
                {
                    "type": "text",
                    "text": "選んでください",
                    "quickReply": {
                        "items": [
                            {
                                "type": "action",
                                "action": {
                                    "type": "message",
                                    "label": "x",
                                    "text": "x",
                                },
                            }
                        ]
                        * 14
                    },
                }
            ],
            ("messages[0].quickReply.items", "Size must be between 1 and 13"),
        ),
        (
            [
                {
                    "type": "text",
                    "text": "選んでください",
                    "quickReply": {
                        "items": [
                            {
                                "type": "action",
                                "action": {
                                    "type": "postback",
                                    "label": "あ" * 21,
                                    "data": "x",
                                },
                            }
                        ]
                    },
                }
            ],
            (
                "messages[0].quickReply.items[0].action.label",
                "Length must be between 0 and 20",
            ),
        ),
        (
            [
                {
                    "type": "template",
                    "altText": "確認",
                    "template": {
                        "type": "buttons",
                        "text": "どれにしますか",
                        "actions": [
                            {"type": "postback", "label": "a", "data": "d" * 301}
                        ],
                    },
                }
            ],
            (
                "messages[0].template.actions[0].data",
                "Length must be between 0 and 300",
            ),
        ),
        (
            [
                {
                    "type": "template",
                    "altText": "確認",
                    "template": {
                        "type": "buttons",
                        "text": "どれにしますか",
                        "actions": [{"type": "message", "label": "a", "text": "a"}] * 5,
                    },
                }
            ],
            ("messages[0].template.actions", "Size must be between 1 and 4"),
        ),
        (
            [
                {
                    "type": "template",
                    "altText": "生年月日",
                    "template": {
                        "type": "buttons",
                        "text": "生年月日を選んでください",
                        "actions": [
                            {
                                "type": "datetimepicker",
                                "label": "選ぶ",
                                "data": "birth",
                                "mode": "month",
                            }
                        ],
                    },
                }
            ],
            (
                "messages[0].template.actions[0].mode",
                "must be one of the following values: [date, time, datetime]",
            ),
        ),
    ],
    ids=[
        "six-messages",
        "no-messages",
        "long-text",
        "utf16-length",
        "flex-without-alt-text",
        "fourteen-quick-replies",
        "long-label",
        "long-postback-data",
        "five-buttons",
        "bad-picker-mode",
    ],
)
def test_invalid_messages_are_refused_like_line(sandbox, line, messages, expected):
    sandbox.line.add_follower(HANAKO)

    response = line(
        "POST", "/v2/bot/message/push", json={"to": HANAKO, "messages": messages}
    )

    assert response.status_code == 400
    body = response.json()
    assert expected in error_details(response)
    assert body["message"] == f"The request body has {len(body['details'])} error(s)"
    assert sandbox.line.messages_for(HANAKO) == []


def test_a_realistic_gift_code_card_is_valid(sandbox, line):
    sandbox.line.add_follower(HANAKO)
    card = {
        "type": "flex",
        "altText": "ギフトコードをお送りします",
        "contents": {
            "type": "bubble",
            "body": {
                "type": "box",
                "layout": "vertical",
                "spacing": "md",
                "contents": [
                    {
                        "type": "text",
                        "text": "10,000円",
                        "weight": "bold",
                        "size": "xl",
                    },
                    {"type": "separator"},
                    {"type": "text", "text": "ABCD-EFGHIJ-KLMN", "wrap": True},
                ],
            },
            "footer": {
                "type": "box",
                "layout": "vertical",
                "contents": [
                    {
                        "type": "button",
                        "style": "primary",
                        "action": {
                            "type": "uri",
                            "label": "Amazonで使う",
                            "uri": "https://www.amazon.co.jp/gc/redeem",
                        },
                    }
                ],
            },
        },
    }

    response = line(
        "POST", "/v2/bot/message/push", json={"to": HANAKO, "messages": [card]}
    )

    assert response.status_code == 200, response.json()
    assert "quoteToken" not in response.json()["sentMessages"][0]


def test_validate_endpoint_runs_the_same_checks(line):
    good = line("POST", "/v2/bot/message/validate/push", json={"messages": TEXT})
    bad = line("POST", "/v2/bot/message/validate/push", json={"messages": []})

    assert good.status_code == 200
    assert bad.status_code == 400


def test_unparseable_json_is_refused(line):
    response = line(
        "POST",
        "/v2/bot/message/push",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body could not be parsed")


def test_multicast_reaches_followers_only_and_caps_recipients(sandbox, line):
    sandbox.line.add_follower(HANAKO)

    sent = line(
        "POST",
        "/v2/bot/message/multicast",
        json={"to": [HANAKO, ICHIRO], "messages": TEXT},
    )
    too_many = line(
        "POST",
        "/v2/bot/message/multicast",
        json={"to": [f"U{i:032x}" for i in range(501)], "messages": TEXT},
    )

    assert sent.status_code == 200
    assert sent.json() == {}
    assert sandbox.line.messages_for(HANAKO) == TEXT
    assert sandbox.line.messages_for(ICHIRO) == []
    assert too_many.status_code == 400
    assert ("to", "Size must be between 1 and 500") in error_details(too_many)


def test_multicast_retry_key_gets_409_without_sent_messages(sandbox, line):
    sandbox.line.add_follower(HANAKO)
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    body = {"to": [HANAKO], "messages": TEXT}

    line("POST", "/v2/bot/message/multicast", json=body, headers=key)
    retry = line("POST", "/v2/bot/message/multicast", json=body, headers=key)

    assert retry.status_code == 409
    assert retry.json() == {"message": "The retry key is already accepted"}
    assert len(sandbox.line.messages_for(HANAKO)) == 1


def test_profile_is_there_for_followers_only(sandbox, line):
    sandbox.line.follow(HANAKO, "はなこ")

    found = line("GET", f"/v2/bot/profile/{HANAKO}")
    missing = line("GET", f"/v2/bot/profile/{ICHIRO}")
    sandbox.line.unfollow(HANAKO)
    blocked = line("GET", f"/v2/bot/profile/{HANAKO}")

    assert found.json() == {"displayName": "はなこ", "userId": HANAKO, "language": "ja"}
    assert missing.status_code == 404
    assert missing.json() == {"message": "Not found"}
    assert blocked.status_code == 404


def test_loading_animation_is_accepted(sandbox, line):
    ok = line("POST", "/v2/bot/chat/loading/start", json={"chatId": HANAKO})
    bad = line(
        "POST",
        "/v2/bot/chat/loading/start",
        json={"chatId": HANAKO, "loadingSeconds": 7},
    )

    assert ok.status_code == 202
    assert ok.json() == {}
    assert bad.status_code == 400


def test_quota_counts_pushed_messages(sandbox, line):
    sandbox.line.add_follower(HANAKO)
    line("POST", "/v2/bot/message/push", json={"to": HANAKO, "messages": TEXT * 2})

    assert line("GET", "/v2/bot/message/quota").json() == {"type": "none"}
    assert line("GET", "/v2/bot/message/quota/consumption").json() == {"totalUsage": 2}


def test_the_monthly_limit_answers_429(sandbox, line):
    sandbox.line.state.monthly_quota = 1
    sandbox.line.add_follower(HANAKO)
    body = {"to": HANAKO, "messages": TEXT}

    first = line("POST", "/v2/bot/message/push", json=body)
    second = line("POST", "/v2/bot/message/push", json=body)

    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json() == {"message": "You have reached your monthly limit."}


def test_injected_failures_do_not_send(sandbox, line):
    sandbox.line.add_follower(HANAKO)
    sandbox.line.fail_next("/v2/bot/message/push", 500, count=2)
    body = {"to": HANAKO, "messages": TEXT}

    statuses = [line("POST", "/v2/bot/message/push", json=body).status_code]
    statuses.append(line("POST", "/v2/bot/message/push", json=body).status_code)
    statuses.append(line("POST", "/v2/bot/message/push", json=body).status_code)

    assert statuses == [500, 500, 200]
    assert sandbox.line.messages_for(HANAKO) == TEXT


def test_a_slow_push_is_still_delivered_once_when_retried_with_its_key(
    sandbox, line, http
):
    import requests

    sandbox.line.add_follower(HANAKO)
    sandbox.line.set_delay(0.3, "/v2/bot/message/push")
    key = {"X-Line-Retry-Key": str(uuid.uuid4())}
    body = {"to": HANAKO, "messages": TEXT}

    with pytest.raises(requests.Timeout):
        http.post(
            sandbox.line_url + "/v2/bot/message/push",
            json=body,
            headers={"Authorization": "Bearer sandbox-test-token", **key},
            timeout=0.1,
        )
    sandbox.line.set_delay(0)
    retry = line("POST", "/v2/bot/message/push", json=body, headers=key)

    assert retry.status_code == 409
    assert sandbox.line.messages_for(HANAKO) == TEXT


def test_rate_limits_answer_429(line, sandbox):
    sandbox.line.set_rate_limits({"/v2/bot/message/quota": 1.0})

    statuses = [line("GET", "/v2/bot/message/quota").status_code for _ in range(3)]

    assert statuses[0] == 200
    assert 429 in statuses


def test_requests_are_logged_for_assertions(sandbox, line):
    line("GET", "/v2/bot/message/quota")

    (logged,) = sandbox.line.requests
    assert (logged.method, logged.path, logged.status) == (
        "GET",
        "/v2/bot/message/quota",
        200,
    )
