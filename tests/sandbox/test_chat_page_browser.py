"""The chat page in Chromium: a resident follows, types, picks a date."""

import shutil
from typing import Any

import pytest

from tests.sandbox.conftest import ACCESS_TOKEN, HANAKO

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api")

QUICK_REPLY = {
    "items": [
        {
            "type": "action",
            "action": {"type": "message", "label": "はい", "text": "はい"},
        },
        {
            "type": "action",
            "action": {
                "type": "datetimepicker",
                "label": "日付を選ぶ",
                "data": "field=birth_date",
                "mode": "date",
            },
        },
    ]
}
GIFT_CARD = {
    "type": "flex",
    "altText": "ギフトコード",
    "contents": {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "text", "text": "10,000円", "weight": "bold", "size": "xl"},
                {"type": "text", "text": "ABCD-EFGHIJ-KLMN"},
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
                        "type": "postback",
                        "label": "受け取りました",
                        "data": "received",
                        "displayText": "受け取りました",
                    },
                }
            ],
        },
    },
}


def bot_reply(sandbox, http, event):
    """What the bot under test would answer, sent through the fake API."""
    messages: list[dict[str, Any]]
    if event["type"] == "follow":
        messages = [{"type": "text", "text": "ようこそ\nお名前を入力してください"}]
    elif event["type"] == "message":
        messages = [
            {
                "type": "text",
                "text": "生年月日を選んでください",
                "quickReply": QUICK_REPLY,
            }
        ]
    elif event["postback"]["data"] == "field=birth_date":
        messages = [GIFT_CARD]
    else:
        messages = [{"type": "text", "text": "ありがとうございました"}]
    http.post(
        sandbox.line_url + "/v2/bot/message/reply",
        json={"replyToken": event["replyToken"], "messages": messages},
        headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        timeout=5,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_resident_can_chat_with_the_bot(sandbox, receiver, http):
    receiver.on_request = lambda got: [
        bot_reply(sandbox, http, event) for event in got.payload["events"]
    ]

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"{sandbox.chat_url}?userId={HANAKO}&name=はなこ")
        expect = sync_api.expect

        page.get_by_test_id("follow-button").click()
        expect(page.get_by_test_id("bubble-bot").first).to_have_text(
            "ようこそ\nお名前を入力してください"
        )
        expect(page.get_by_test_id("follow-button")).to_have_text("ブロック")
        page.get_by_test_id("message-input").fill("山田　花子")
        page.get_by_test_id("send-button").click()
        page.get_by_test_id("quick-reply").filter(has_text="日付を選ぶ").click()
        page.get_by_test_id("date-input").fill("1985-04-12")
        page.get_by_test_id("date-submit").click()
        expect(page.get_by_test_id("flex-bubble")).to_contain_text("ABCD-EFGHIJ-KLMN")
        page.get_by_test_id("action-button").filter(has_text="受け取りました").click()
        expect(page.get_by_test_id("bubble-bot").last).to_have_text(
            "ありがとうございました"
        )
        user_bubbles = page.get_by_test_id("bubble-user").all_inner_texts()
        browser.close()

    assert user_bubbles == ["山田　花子", "1985-04-12", "受け取りました"]
    postback = receiver.received[2].payload["events"][0]["postback"]
    assert postback == {"data": "field=birth_date", "params": {"date": "1985-04-12"}}
    assert sandbox.line.followers == {HANAKO}
