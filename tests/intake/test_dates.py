"""A birth date from the date picker or typed in the ways residents type it."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import Chat


def at_birth_date(chat: Chat) -> None:
    chat.say("申請する")
    chat.say("山田 花子")
    chat.say("ヤマダ ハナコ")


def test_the_prompt_offers_a_date_picker_and_says_it_can_be_typed(hanako: Chat) -> None:
    at_birth_date(hanako)
    picker = hanako.last[-1]["quickReply"]["items"][0]["action"]
    assert picker["type"] == "datetimepicker"
    assert picker["mode"] == "date"
    assert picker["initial"] == "1980-01-01"
    assert picker["min"] == "1900-01-01"
    assert picker["max"] == timezone.localdate().isoformat()
    assert "日付を入力してください" in hanako.text()
    assert "昭和60年4月12日" in hanako.text()


def test_a_date_from_the_picker_is_accepted(hanako: Chat) -> None:
    at_birth_date(hanako)
    hanako.pick_date("1985-04-12")
    assert hanako.application().answers["birth_date"] == "1985-04-12"
    assert "生年月日：1985年4月12日" in hanako.text()


@pytest.mark.parametrize(
    "typed",
    ["1985-04-12", "1985/4/12", "昭和60年4月12日", "S60.4.12", "１９８５／４／１２"],
)
def test_typed_dates_are_accepted(hanako: Chat, typed: str) -> None:
    at_birth_date(hanako)
    hanako.say(typed)
    assert hanako.application().answers["birth_date"] == "1985-04-12"
    assert "同意" in hanako.text(), "on to the next question"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1985年2月30日", "日付として読み取れませんでした"),
        ("平成31年5月1日", "元号と年の組み合わせ"),
        ("きのう", "日付として読み取れませんでした"),
    ],
)
def test_impossible_dates_are_asked_again_with_the_reason(
    hanako: Chat, typed: str, expected: str
) -> None:
    at_birth_date(hanako)
    hanako.say(typed)
    assert expected in hanako.last[0]["text"]
    assert "例：1985/4/12、昭和60年4月12日" in hanako.last[0]["text"]
    assert "【3/4】" in hanako.text()
    assert "birth_date" not in hanako.application().answers


def test_a_birth_date_before_1900_is_refused(hanako: Chat) -> None:
    at_birth_date(hanako)
    hanako.say("1899/12/31")
    assert hanako.last[0]["text"].startswith("1900年1月1日")
    assert hanako.last[0]["text"].endswith("以降の日付を入力してください。")
    assert "birth_date" not in hanako.application().answers


def test_a_birth_date_in_the_future_is_refused(hanako: Chat) -> None:
    at_birth_date(hanako)
    tomorrow = timezone.localdate() + timedelta(days=1)
    hanako.say(tomorrow.strftime("%Y/%m/%d"))
    assert hanako.last[0]["text"] == "未来の日付は入力できません。年をご確認ください。"
    assert "birth_date" not in hanako.application().answers


def test_a_forged_picker_date_outside_the_bounds_is_refused(hanako: Chat) -> None:
    at_birth_date(hanako)
    hanako.pick_date("1850-01-01")
    assert "以降の日付" in hanako.last[0]["text"]
    assert "birth_date" not in hanako.application().answers


def test_reiwa_gannen_and_heisei_31_april_are_real_dates(hanako: Chat) -> None:
    at_birth_date(hanako)
    hanako.say("平成31年4月30日")
    assert hanako.application().answers["birth_date"] == "2019-04-30"
