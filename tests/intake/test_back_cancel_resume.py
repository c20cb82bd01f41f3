"""「戻る」 steps back, 「やめる」 cancels, and an application resumes from the DB."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

from kyufu.intake.models import (
    Application,
    ApplicationStatus,
    Conversation,
    ConversationStatus,
)

from .conftest import Chat


def test_back_returns_to_the_previous_question_showing_the_answer(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.tap("戻る")
    assert "【1/4】お名前を漢字で入力してください。" in hanako.text()
    assert "現在の回答：山田 花子" in hanako.text()
    assert hanako.labels() == ["このまま", "やめる"]

    hanako.say("山田 華子")
    assert hanako.application().answers["full_name"] == "山田 華子"
    assert "【2/4】" in hanako.text(), "then on to the next question again"


def test_typing_back_works_like_the_button(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.say("戻る")
    assert "【2/4】" in hanako.text()
    hanako.tap("このまま")
    assert "【3/4】" in hanako.text()
    assert hanako.application().answers["furigana"] == "ヤマダ ハナコ"


def test_back_on_the_first_question_stays_there(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("戻る")
    assert hanako.last[0]["text"] == "これが最初の質問です。"
    assert "【1/4】" in hanako.text()


def test_back_from_the_confirmation_goes_to_the_last_question(hanako: Chat) -> None:
    from .conftest import apply_until_confirmation

    apply_until_confirmation(hanako)
    hanako.tap("戻る")
    assert "【4/4】" in hanako.text()


def test_cancel_ends_the_application_politely(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.tap("やめる")
    assert "申請を取りやめました" in hanako.text()
    assert "もう一度申請するときは" in hanako.text()
    assert hanako.labels() == ["申請する"]
    application = hanako.application()
    assert application.status == ApplicationStatus.CANCELLED
    assert application.conversation.status == ConversationStatus.CANCELLED


def test_after_cancelling_a_new_application_starts_fresh(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("やめる")
    hanako.tap("申請する")
    assert "【1/4】" in hanako.text()
    assert "前回の続き" not in hanako.text()
    assert Application.objects.count() == 2
    assert hanako.application().answers == {}


def test_declining_the_terms_ends_the_application(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.say("1985/4/12")
    hanako.tap("同意しない")
    assert (
        "同意いただけない場合は申請できないため、申請を終了しました。" in hanako.text()
    )
    assert hanako.application().status == ApplicationStatus.CANCELLED
    assert not Conversation.objects.filter(status=ConversationStatus.ACTIVE).exists()


def test_apply_again_resumes_where_the_resident_left_off(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    # The worker restarts; the resident comes back later and taps the button.
    hanako.follow()
    hanako.tap("申請する")
    assert hanako.last[0]["text"] == "前回の続きから再開します。"
    assert "【3/4】生年月日を教えてください。" in hanako.text()
    hanako.say("1985/4/12")
    assert hanako.application().answers == {
        "full_name": "山田 花子",
        "furigana": "ヤマダ ハナコ",
        "birth_date": "1985-04-12",
    }
    assert Application.objects.count() == 1


def test_the_state_lives_only_in_the_database(hanako: Chat) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    conversation = Conversation.objects.get()
    assert conversation.state == {"step": "furigana", "editing": False}
    # Another worker process picks the next event up: a brand-new Chat object.
    from kyufu.line.models import LineUser

    from .conftest import Chat as FreshChat

    again = FreshChat(LineUser.objects.get(pk=hanako.line_user_pk))
    again.say("ヤマダ ハナコ")
    assert "【3/4】" in again.text()
