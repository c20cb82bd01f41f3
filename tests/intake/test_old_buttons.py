"""Buttons of old messages change nothing twice and never break the form."""

from kyufu.intake.models import Application, ApplicationStatus
from kyufu.payouts.models import Payout

from .conftest import Chat, apply_until_confirmation


def test_tapping_send_twice_submits_once(hanako: Chat) -> None:
    confirmation = apply_until_confirmation(hanako)
    hanako.tap("送信", confirmation)
    hanako.tap("送信", confirmation)
    assert hanako.text() == "この操作は受付済みです。"
    assert Application.objects.get().status == ApplicationStatus.MATCHED
    assert Payout.objects.count() == 1


def test_an_old_date_picker_re_shows_the_current_question(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    date_question = hanako.say("ヤマダ ハナコ")
    hanako.pick_date("1985-04-12")
    hanako.pick_date("1990-01-01", date_question)
    assert hanako.last[0]["text"] == "この操作は受付済みです。"
    assert "上の内容に同意いただけますか" in hanako.text()
    assert hanako.application().answers["birth_date"] == "1985-04-12"


def test_an_old_back_button_does_not_step_back_twice(hanako: Chat) -> None:
    hanako.say("申請する")
    name_answered = hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.tap("戻る", name_answered)
    assert hanako.last[0]["text"] == "この操作は受付済みです。"
    assert "【3/4】" in hanako.text()


def test_a_button_of_a_cancelled_application_shows_the_help(hanako: Chat) -> None:
    hanako.say("申請する")
    first = hanako.say("山田 花子")
    hanako.say("やめる")
    hanako.tap("戻る", first)
    assert hanako.labels() == ["申請する"]


def test_a_button_of_an_earlier_application_does_not_touch_the_new_one(
    hanako: Chat,
) -> None:
    hanako.say("申請する")
    first = hanako.say("山田 花子")
    hanako.say("やめる")
    hanako.say("申請する")
    hanako.tap("戻る", first)
    assert hanako.last[0]["text"] == "この操作は受付済みです。"
    assert "【1/4】" in hanako.text()
    assert hanako.application().answers == {}


def test_the_old_edit_menu_after_submission_is_harmless(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    menu = hanako.tap("修正")
    hanako.tap("確認画面に戻る")
    hanako.tap("送信")
    hanako.tap("お名前", menu)
    assert hanako.text() == "この操作は受付済みです。"
    assert Application.objects.get().full_name == "山田 花子"


def test_broken_postback_data_is_treated_as_stale(hanako: Chat) -> None:
    from kyufu.line.inputs import ChatInput

    hanako.say("申請する")
    hanako.send(ChatInput(kind="postback", data="garbage&&=="))
    assert "【1/4】" in hanako.text()
