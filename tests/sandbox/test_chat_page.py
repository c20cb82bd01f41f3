"""The chat page and its JSON API: resident actions become signed webhooks."""

import pytest

from kyufu.sandbox.webhook_sender import sign
from tests.sandbox.conftest import CHANNEL_SECRET, HANAKO

TEST_IDS = (
    "follow-button",
    "message-input",
    "send-button",
    "date-input",
    "date-submit",
)


@pytest.fixture
def page(sandbox, http):
    def call(method, path, **kwargs):
        return http.request(method, sandbox.line_url + path, timeout=5, **kwargs)

    return call


def test_the_page_and_its_files_are_served(page):
    html = page("GET", "/")
    script = page("GET", "/static/chat.js")
    style = page("GET", "/static/chat.css")

    assert html.status_code == 200
    assert html.headers["Content-Type"].startswith("text/html")
    for testid in TEST_IDS:
        assert f'data-testid="{testid}"' in html.text
    assert "メッセージを入力" in html.text
    for testid in ("bubble-", "quick-reply", "action-button"):
        assert testid in script.text
    assert "Noto Sans CJK JP" in style.text


def test_files_outside_the_static_folder_are_not_served(page):
    assert page("GET", "/static/../line_api.py").status_code == 404
    assert page("GET", "/static/%2e%2e/server.py").status_code == 404
    assert page("GET", "/static/missing.js").status_code == 404


def test_the_page_needs_no_access_token_but_the_api_does(page):
    assert page("GET", "/sandbox/api/config").status_code == 200
    assert page("GET", "/v2/bot/message/quota").status_code == 401


def test_a_page_action_is_recorded_and_sent_as_a_signed_webhook(
    page, receiver, sandbox
):
    followed = page(
        "POST",
        "/sandbox/api/events",
        json={"userId": HANAKO, "kind": "follow", "displayName": "はなこ"},
    )
    typed = page(
        "POST",
        "/sandbox/api/events",
        json={"userId": HANAKO, "kind": "text", "text": "申請"},
    )
    tapped = page(
        "POST",
        "/sandbox/api/events",
        json={
            "userId": HANAKO,
            "kind": "postback",
            "data": "birth",
            "params": {"date": "1985-04-12"},
        },
    )

    assert [r.json() for r in (followed, typed, tapped)] == [{"webhookStatus": 200}] * 3
    kinds = [r.payload["events"][0]["type"] for r in receiver.received]
    assert kinds == ["follow", "message", "postback"]
    assert all(
        r.headers["x-line-signature"] == sign(CHANNEL_SECRET, r.body)
        for r in receiver.received
    )
    assert sandbox.line.followers == {HANAKO}


def test_the_transcript_is_read_incrementally(page, sandbox):
    sandbox.line.follow(HANAKO)
    sandbox.line.send_text(HANAKO, "こんにちは")
    sandbox.line.state.record_bot(
        [HANAKO], "reply", [{"type": "text", "text": "1行目\n2行目"}]
    )

    everything = page("GET", f"/sandbox/api/transcript?userId={HANAKO}&after=0").json()
    newer = page("GET", f"/sandbox/api/transcript?userId={HANAKO}&after=2").json()

    assert [e["index"] for e in everything["entries"]] == [1, 2, 3]
    assert [e["from"] for e in everything["entries"]] == ["resident", "resident", "bot"]
    assert everything["following"] is True
    (bot,) = newer["entries"]
    assert bot["message"] == {"type": "text", "text": "1行目\n2行目"}
    assert bot["endpoint"] == "reply"


def test_a_failed_webhook_is_shown_as_an_error_note(page, receiver):
    receiver.status = 503

    answer = page(
        "POST",
        "/sandbox/api/events",
        json={"userId": HANAKO, "kind": "text", "text": "a"},
    ).json()
    transcript = page("GET", f"/sandbox/api/transcript?userId={HANAKO}&after=0").json()

    assert answer == {"webhookStatus": 503}
    assert transcript["entries"][-1]["level"] == "error"


@pytest.mark.parametrize(
    "body",
    [
        {"userId": "someone", "kind": "text", "text": "a"},
        {"userId": HANAKO, "kind": "dance"},
        {"userId": HANAKO, "kind": "text"},
        {"userId": HANAKO, "kind": "postback"},
        {"userId": HANAKO, "kind": "postback", "data": "x", "params": {"date": 1}},
    ],
)
def test_malformed_page_actions_are_refused(page, receiver, body):
    response = page("POST", "/sandbox/api/events", json=body)

    assert response.status_code == 400
    assert receiver.received == []
