"""Outside an application the bot explains how to start, and only starts on request."""

from typing import Any

from kyufu.intake.models import Conversation
from kyufu.intake.replies import decode_postback
from kyufu.line.inputs import ChatInput

from .conftest import Chat, find_action


def test_any_message_gets_short_help_with_the_apply_button(hanako: Chat) -> None:
    hanako.say("こんにちは")
    assert hanako.text() == (
        "「子育て応援給付金」を申請するときは、下の「申請する」ボタンを押してください。"
    )
    assert hanako.labels() == ["申請する"]
    assert not Conversation.objects.exists()


def test_a_sticker_outside_an_application_gets_the_help(hanako: Chat) -> None:
    hanako.sticker()
    assert hanako.labels() == ["申請する"]


def test_the_follow_greeting_is_a_buttons_template(
    hanako: Chat, programme: Any
) -> None:
    hanako.follow()
    template = hanako.last[-1]
    assert template["type"] == "template"
    assert template["template"]["type"] == "buttons"
    button = find_action(hanako.last, "申請する")
    assert decode_postback(button["data"]) == {
        "action": "apply",
        "programme": str(programme.pk),
    }
    assert button["displayText"] == "申請する"


def test_an_announcement_button_starts_the_named_programme(
    hanako: Chat, programme: Any
) -> None:
    hanako.send(
        ChatInput(kind="postback", data=f"action=apply&programme={programme.pk}")
    )
    assert "【1/4】" in hanako.text()
    assert hanako.application().programme == programme


def test_a_programme_of_another_channel_is_never_started(
    hanako: Chat, programme: Any, other_municipality: Any
) -> None:
    from kyufu.intake.models import Form
    from kyufu.line.models import LineChannel
    from kyufu.programmes.models import Programme

    elsewhere = Programme.objects.create(
        municipality=other_municipality,
        line_channel=LineChannel.objects.create(
            municipality=other_municipality,
            name="うみべ町公式",
            channel_secret="s",
            access_token="t",
        ),
        form=Form.objects.create(
            municipality=other_municipality,
            name="form",
            definition=programme.form.definition,
        ),
        name="うみべ町給付金",
        budget_yen=10_000,
        amount_yen=10_000,
        opens_at=programme.opens_at,
        closes_at=programme.closes_at,
    )
    data = f"action=apply&programme={elsewhere.pk}"
    hanako.send(ChatInput(kind="postback", data=data))
    assert hanako.application().programme == programme


def test_after_applying_a_message_points_to_the_office_not_the_button(
    hanako: Chat,
) -> None:
    from .conftest import apply_until_confirmation

    apply_until_confirmation(hanako)
    hanako.tap("送信")

    hanako.say("ギフトコードがみつかりません")

    assert hanako.text() == (
        "「子育て応援給付金」の申請はすでに受け付けています。\n"
        "ご不明な点はかもめ市の担当窓口へお問い合わせください。"
    )
    assert "申請する" not in hanako.labels()
