"""A wrong answer is asked again with what is expected, and loses nothing."""

from .conftest import Chat


def test_a_wrong_answer_keeps_every_earlier_answer(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.say("むかしむかし")
    assert "日付として読み取れませんでした" in hanako.text()
    assert hanako.application().answers == {
        "full_name": "山田 花子",
        "furigana": "ヤマダ ハナコ",
    }
    hanako.say("昭和60年4月12日")
    assert hanako.application().answers["birth_date"] == "1985-04-12"


def test_a_sticker_or_image_asks_for_text_and_repeats_the_question(
    hanako: Chat,
) -> None:
    hanako.say("申請する")
    hanako.sticker()
    assert hanako.last[0]["text"] == "文字で入力してください。"
    assert "【1/4】お名前を漢字で入力してください。" in hanako.text()
    assert hanako.application().answers == {}


def test_the_agreement_needs_one_of_its_buttons(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.say("1985/4/12")
    hanako.say("よくわからない")
    assert (
        hanako.last[0]["text"]
        == "下のボタンから「同意する」か「同意しない」を選んでください。"
    )
    assert hanako.labels()[:2] == ["同意する", "同意しない"]
    hanako.say("同意します")
    assert "入力内容をご確認ください" in hanako.text()


def test_a_typed_answer_on_a_tap_only_question_is_read_like_the_button(
    hanako: Chat,
) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.say("1985/4/12")
    hanako.say("同意する")
    assert hanako.application().answers["agreement"] is True
