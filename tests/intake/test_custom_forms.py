"""Staff-defined forms with free text and choices run through the same engine."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

from typing import Any

import pytest

from kyufu.intake.catalog import default_form_definition

from .conftest import Chat


@pytest.fixture
def household_form(programme: Any) -> None:
    definition = default_form_definition()
    definition["questions"][3:3] = [
        {
            "key": "children",
            "type": "choice",
            "label": "お子さまの人数",
            "prompt": "18歳以下のお子さまは何人いますか。",
            "options": [
                {"value": "1", "label": "1人"},
                {"value": "2", "label": "2人"},
                {"value": "3plus", "label": "3人以上"},
            ],
        },
        {
            "key": "note",
            "type": "text",
            "label": "連絡事項",
            "prompt": "市への連絡事項があれば入力してください。",
            "max_length": 20,
        },
    ]
    programme.form.definition = definition
    programme.form.save()


def at_children(chat: Chat) -> None:
    chat.say("申請する")
    chat.say("山田 花子")
    chat.say("ヤマダ ハナコ")
    chat.say("1985/4/12")


def test_a_choice_offers_its_options_as_quick_replies(
    hanako: Chat, household_form: None
) -> None:
    at_children(hanako)
    assert "【4/6】18歳以下のお子さまは何人いますか。" in hanako.text()
    assert hanako.labels() == ["1人", "2人", "3人以上", "戻る", "やめる"]
    hanako.tap("3人以上")
    assert hanako.application().answers["children"] == "3plus"
    assert "お子さまの人数：3人以上" in hanako.text()


def test_a_choice_can_be_typed_and_anything_else_is_asked_again(
    hanako: Chat, household_form: None
) -> None:
    at_children(hanako)
    hanako.say("たくさん")
    assert hanako.last[0]["text"] == "下のボタンから1つ選んでください。"
    hanako.say("２人")
    assert hanako.application().answers["children"] == "2"


def test_free_text_has_a_maximum_length(hanako: Chat, household_form: None) -> None:
    at_children(hanako)
    hanako.tap("1人")
    hanako.say("あ" * 21)
    assert hanako.last[0]["text"] == "20文字以内で入力してください。"
    hanako.say("特になし")
    assert hanako.application().answers["note"] == "特になし"
    assert "上の内容に同意いただけますか" in hanako.text()


def test_the_confirmation_shows_choice_labels(
    hanako: Chat, household_form: None
) -> None:
    at_children(hanako)
    hanako.tap("2人")
    hanako.say("特になし")
    hanako.tap("同意する")
    assert "お子さまの人数：2人" in hanako.text()
    assert "連絡事項：特になし" in hanako.text()
