"""Invisible characters never reach an answer; empty readings are asked again.

A name pasted from elsewhere can carry control codes (BEL), zero-width
spaces or a right-to-left override that shows 山田子花 as 山田花子. They are
dropped before the answer is checked; what is left must still be a name.
"""

from datetime import date

import pytest

from kyufu.intake.models import Application, ApplicationStatus
from kyufu.intake.questions import (
    AskContext,
    InvalidAnswer,
    Question,
    question_type,
)
from kyufu.line.inputs import ChatInput

from .conftest import Chat

FURIGANA_ERROR = "フリガナはカタカナで入力してください"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("\u0007山田 花子", "山田 花子"),
        ("山田\u200b花子", "山田花子"),
        ("山田 \u202e子花", "山田 子花"),
        ("\u2066山田\u2069\ufeff 花子\u00ad", "山田 花子"),
        ("山田\n花子", "山田 花子"),  # a line break still separates the words
    ],
    ids=["bel", "zero-width-space", "rtl-override", "isolates-bom-soft-hyphen", "lf"],
)
def test_invisible_characters_are_dropped_from_the_name(
    hanako: Chat, typed: str, stored: str
) -> None:
    hanako.say("申請する")
    hanako.say(typed)

    assert hanako.application().answers["full_name"] == stored
    assert f"お名前：{stored}" in hanako.text()


@pytest.mark.parametrize("typed", ["\u200b", "\u0007\u202e", " \u200b\u3000"])
def test_a_name_of_only_invisible_characters_is_asked_again(
    hanako: Chat, typed: str
) -> None:
    hanako.say("申請する")
    hanako.say(typed)

    assert "回答をメッセージ入力欄に文字で入力してください。" in hanako.text()
    assert "【1/4】" in hanako.text(), "the same question again"
    assert hanako.application().answers == {}


@pytest.mark.parametrize("typed", ["・・・", "ー", "ー ー", "・　ー", "ｰ・-"])
def test_furigana_without_a_single_kana_letter_is_asked_again(
    hanako: Chat, typed: str
) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say(typed)

    assert FURIGANA_ERROR in hanako.text()
    assert "【2/4】" in hanako.text(), "the same question again"
    application = hanako.application()
    assert "furigana" not in application.answers
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert not Application.objects.filter(
        status=ApplicationStatus.NOT_ELIGIBLE
    ).exists(), "no matching attempt was used"


def test_invisible_characters_are_dropped_from_the_furigana(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ\u200bハナコ\u0007")

    assert hanako.application().answers["furigana"] == "ヤマダハナコ"


def test_furigana_of_only_invisible_characters_is_asked_again(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("\u200b\u202e")

    assert "【2/4】" in hanako.text()
    assert "furigana" not in hanako.application().answers


CONTEXT = AskContext(conversation_id=1, today=date(2026, 1, 1))
NOTE = Question(key="note", type="text", label="備考", prompt="備考")


def test_free_text_answers_lose_invisible_characters_too() -> None:
    typed = ChatInput(kind="text", text="駐車場\u200bあり\u0007\u202e")

    assert question_type(NOTE).parse(NOTE, typed, CONTEXT) == "駐車場あり"


def test_free_text_of_only_invisible_characters_is_asked_again() -> None:
    with pytest.raises(InvalidAnswer):
        question_type(NOTE).parse(NOTE, ChatInput(kind="text", text="\x00"), CONTEXT)
