"""Names are kept as typed (widths and spaces tidied); furigana becomes katakana."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

import pytest

from kyufu.intake.models import ApplicationStatus

from .conftest import Chat


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("やまだ はなこ", "ヤマダ ハナコ"),
        ("やまだ\u3000はなこ", "ヤマダ ハナコ"),
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ ハナコ"),
        ("ヤマダ\u3000ハナコ", "ヤマダ ハナコ"),
        ("  ヤマダハナコ ", "ヤマダハナコ"),
    ],
)
def test_furigana_in_hiragana_half_width_or_with_a_full_width_space_is_accepted(
    hanako: Chat, typed: str, stored: str
) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say(typed)
    assert f"フリガナ：{stored}" in hanako.text()
    assert hanako.application().answers["furigana"] == stored


@pytest.mark.parametrize("typed", ["山田 花子", "yamada hanako", "ヤマダ123"])
def test_furigana_that_is_not_kana_is_asked_again(hanako: Chat, typed: str) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say(typed)
    assert "フリガナはカタカナで入力してください" in hanako.text()
    assert "例：ヤマダ ハナコ" in hanako.text()
    assert "【2/4】" in hanako.text(), "the same question again"
    assert "furigana" not in hanako.application().answers


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("山田　花子", "山田 花子"),
        ("  山田  花子 ", "山田 花子"),
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ ハナコ"),
    ],
)
def test_a_name_is_stored_with_one_plain_space(
    hanako: Chat, typed: str, stored: str
) -> None:
    hanako.say("申請する")
    hanako.say(typed)
    assert hanako.application().answers["full_name"] == stored


@pytest.mark.parametrize("typed", ["Hanako Yamada", "12345", "山田花子1985", "山" * 51])
def test_a_name_without_kanji_or_kana_or_too_long_is_asked_again(
    hanako: Chat, typed: str
) -> None:
    hanako.say("申請する")
    hanako.say(typed)
    assert "お名前" in hanako.text().split("\n")[0]
    assert "【1/4】" in hanako.text()
    application = hanako.application()
    assert application.answers == {}
    assert application.status == ApplicationStatus.IN_PROGRESS


def test_the_name_error_says_what_is_expected_with_an_example(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("Hanako")
    assert hanako.last[0]["text"] == (
        "お名前を漢字で入力してください。数字や記号は使えません。\n例：山田 花子"
    )
