"""The confirmation lists every answer; 「修正」 re-asks one and comes back."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

from .conftest import Chat, apply_until_confirmation


def test_change_offers_every_question_by_name(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.tap("修正")
    assert "どの項目を修正しますか" in hanako.text()
    assert hanako.labels() == [
        "お名前",
        "フリガナ",
        "生年月日",
        "同意事項",
        "確認画面に戻る",
    ]


def test_an_edited_answer_returns_to_the_confirmation(hanako: Chat) -> None:
    apply_until_confirmation(hanako, born="1985-04-21")
    hanako.tap("修正")
    hanako.tap("生年月日")
    assert "生年月日を教えてください" in hanako.text()
    assert "【" not in hanako.text(), "no progress counter while editing"
    assert "現在の回答：1985年4月21日" in hanako.text()

    hanako.pick_date("1985-04-12")
    assert "入力内容をご確認ください。" in hanako.text()
    assert "1985年4月12日" in hanako.text()
    assert hanako.application().answers["full_name"] == "山田 花子", "others kept"


def test_a_wrong_answer_while_editing_stays_on_that_question(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.say("修正")
    hanako.say("フリガナ")
    hanako.say("Yamada")
    assert "フリガナはカタカナで入力してください" in hanako.text()
    hanako.say("やまだ はなこ")
    assert "入力内容をご確認ください。" in hanako.text()


def test_back_while_editing_returns_to_the_confirmation_unchanged(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.tap("修正")
    hanako.tap("お名前")
    hanako.tap("戻る")
    assert "入力内容をご確認ください。" in hanako.text()
    assert "お名前：山田 花子" in hanako.text()


def test_keep_as_is_while_editing_returns_to_the_confirmation(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.tap("修正")
    hanako.tap("お名前")
    hanako.tap("このまま")
    assert "入力内容をご確認ください。" in hanako.text()


def test_back_to_confirmation_from_the_edit_menu(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.tap("修正")
    hanako.tap("確認画面に戻る")
    assert "この内容で申請を送信しますか？" in hanako.text()


def test_other_text_on_the_confirmation_explains_the_two_buttons(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.say("はい")
    assert hanako.last[0]["text"] == "「送信」か「修正」を選んでください。"
    assert hanako.application().status == "in_progress"
    hanako.say("送信")
    assert hanako.application().status == "matched"
