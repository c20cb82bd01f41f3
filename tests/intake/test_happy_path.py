"""A resident goes from adding the account to a reserved payout in the chat."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

from datetime import date

from kyufu.intake.models import ApplicationStatus, Conversation, ConversationStatus
from kyufu.payouts.models import Payout, PayoutStatus

from .conftest import Chat


def test_hanako_applies_from_follow_to_payout(hanako: Chat) -> None:
    hanako.follow()
    assert "友だち追加ありがとうございます" in hanako.text()
    assert hanako.labels() == ["申請する"]
    assert not Conversation.objects.exists(), "the form starts only on 申請する"

    hanako.tap("申請する")
    assert "子育て応援給付金" in hanako.text()
    assert "【1/4】お名前を漢字で入力してください。" in hanako.text()
    assert hanako.labels() == ["やめる"]

    hanako.say("山田　花子")
    assert "お名前：山田 花子" in hanako.text()
    assert "【2/4】" in hanako.text()

    hanako.say("やまだ　はなこ")
    assert "フリガナ：ヤマダ ハナコ" in hanako.text()
    assert hanako.labels() == ["カレンダーから選ぶ", "戻る", "やめる"]

    hanako.pick_date("1985-04-12")
    assert "生年月日：1985年4月12日" in hanako.text()
    assert "給付金の支給のために" in hanako.text(), "the terms are shown"
    assert hanako.labels() == ["同意する", "同意しない", "戻る", "やめる"]

    hanako.tap("同意する")
    summary = hanako.text()
    assert "入力内容をご確認ください。" in summary
    for line in (
        "お名前：山田 花子",
        "フリガナ：ヤマダ ハナコ",
        "昭和60年",
        "同意事項：同意済み",
    ):
        assert line in summary
    assert hanako.last[-1]["template"]["type"] == "confirm"
    assert hanako.labels()[:2] == ["送信", "修正"]

    hanako.tap("送信")
    assert (
        "申請を受け付けました。確認ができましたので、ギフトコードを準備しています。"
        in hanako.text()
    )

    application = hanako.application()
    assert application.status == ApplicationStatus.MATCHED
    assert application.full_name == "山田 花子"
    assert application.furigana == "ヤマダ ハナコ"
    assert application.birth_date == date(1985, 4, 12)
    assert application.submitted_at is not None
    assert application.eligible_person is not None
    assert application.eligible_person.resident_code == "000001"
    assert application.conversation.status == ConversationStatus.FINISHED
    payout = Payout.objects.get(application=application)
    assert payout.status == PayoutStatus.RESERVED
    assert payout.amount_yen == 10_000


def test_typing_the_word_starts_the_form_too(hanako: Chat) -> None:
    hanako.say("申請")
    assert "【1/4】" in hanako.text()
    assert hanako.application().status == ApplicationStatus.IN_PROGRESS
