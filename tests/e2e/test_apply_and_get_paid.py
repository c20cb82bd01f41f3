"""End to end in a real browser: a resident applies in the LINE sandbox chat
page and receives an Amazon gift code; a case worker then sees the payout on
the dashboard. Everything runs on loopback: live web server, worker thread,
fake LINE and fake Amazon."""

import os
import re
from typing import Any

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESIDENT = "U" + "e2e0" * 8
CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{6}-[A-Z0-9]{4}")
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def _playwright_beside_django() -> None:
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # refuses to run beside one unless told the calls stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def bot_says(page: Any, text: str) -> None:
    page.locator('[data-testid="bubble-bot"]', has_text=text).last.wait_for(
        timeout=WAIT_MS
    )


def tap(page: Any, kind: str, label: str) -> None:
    page.locator(f'[data-testid="{kind}"]', has_text=label).last.click(timeout=WAIT_MS)


def type_message(page: Any, text: str) -> None:
    page.get_by_test_id("message-input").fill(text)
    page.get_by_test_id("send-button").click()


def test_resident_applies_in_chat_and_staff_sees_the_payout(
    whole_kyufu: dict[str, Any],
    browser: Any,
    programme: Any,
    eligible_people: list[Any],
    alice: Any,
) -> None:
    from kyufu.payouts.models import Payout

    sandbox, live_server = whole_kyufu["sandbox"], whole_kyufu["live_server"]
    page = browser.new_page(viewport={"width": 420, "height": 900}, locale="ja-JP")
    page.goto(f"{sandbox.chat_url}?userId={RESIDENT}&name=山田花子")

    page.get_by_test_id("follow-button").click()
    tap(page, "action-button", "申請する")
    bot_says(page, "漢字")
    type_message(page, "山田　花子")
    bot_says(page, "フリガナ")
    type_message(page, "やまだ はなこ")
    bot_says(page, "生年月日")
    type_message(page, "昭和60年4月12日")
    tap(page, "quick-reply", "同意する")
    bot_says(page, "ヤマダ ハナコ")
    screenshot(page, "chat-confirmation")
    tap(page, "action-button", "送信")

    gift = page.get_by_test_id("flex-bubble").last
    gift.wait_for(timeout=WAIT_MS)
    screenshot(page, "chat-gift-code")
    shown = CODE.search(gift.inner_text())
    assert shown, "the gift card shows a claim code"
    assert "10,000" in gift.inner_text()

    payout = Payout.objects.get(application__line_user__user_id=RESIDENT)
    assert payout.status == "delivered"
    assert payout.claim_code is None, "the code is erased once LINE has it"
    assert sandbox.agcod.issued_count(payout.request_id) == 1

    staff = browser.new_page(
        viewport={"width": 1280, "height": 1000},
        locale="ja-JP",
        reduced_motion="reduce",
    )
    staff.goto(f"{live_server.url}/login/")
    staff.locator('input[name="username"]').fill("alice")
    staff.locator('input[name="password"]').fill("correct-horse-battery")
    staff.locator('button[type="submit"], input[type="submit"]').first.click()
    staff.wait_for_url(re.compile(r"/$"), timeout=WAIT_MS)
    body = staff.locator("body")
    assert "ダッシュボード" in body.inner_text()
    assert "10,000" in body.inner_text()
    screenshot(staff, "staff-dashboard")

    staff.goto(f"{live_server.url}/payouts/")
    assert "10,000" in staff.locator("body").inner_text()
    assert shown.group(0) not in staff.content(), "staff never see the code"
    screenshot(staff, "staff-payouts")
