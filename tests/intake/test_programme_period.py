"""Outside the application period residents hear the period, and nothing starts."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kyufu.intake.models import Application, ApplicationStatus, ConversationStatus

from .conftest import Chat


def move_period(programme: Any, *, opens_in: timedelta, lasts: timedelta) -> None:
    programme.opens_at = timezone.now() + opens_in
    programme.closes_at = programme.opens_at + lasts
    programme.save()


def test_a_closed_programme_says_so_with_its_period(
    hanako: Chat, programme: Any
) -> None:
    programme.opens_at = timezone.make_aware(datetime(2025, 4, 1))
    programme.closes_at = timezone.make_aware(datetime(2025, 5, 1))
    programme.save()
    hanako.say("申請する")
    assert hanako.text() == (
        "「子育て応援給付金」の受付は終了しました。\n"
        "受付期間：2025年4月1日（令和7年）〜2025年4月30日（令和7年）"
    )
    assert not Application.objects.exists()


def test_an_upcoming_programme_says_when_it_opens(hanako: Chat, programme: Any) -> None:
    move_period(programme, opens_in=timedelta(days=3), lasts=timedelta(days=30))
    hanako.follow()
    assert "友だち追加ありがとうございます" in hanako.text()
    assert "の受付は" in hanako.text() and "から始まります" in hanako.text()
    assert hanako.labels() == []
    hanako.say("申請する")
    assert "から始まります" in hanako.text()
    assert not Application.objects.exists()


def test_a_programme_closing_mid_application_ends_it(
    hanako: Chat, programme: Any
) -> None:
    hanako.say("申請する")
    hanako.say("山田 花子")
    move_period(programme, opens_in=-timedelta(days=10), lasts=timedelta(days=9))
    hanako.say("ヤマダ ハナコ")
    assert "受付は終了しました" in hanako.text()
    application = hanako.application()
    assert application.status == ApplicationStatus.CANCELLED
    assert application.conversation.status == ConversationStatus.CANCELLED


def test_a_channel_without_any_programme_just_greets(
    new_chat: Any, channel: Any
) -> None:
    resident = new_chat("resident")
    resident.follow()
    assert resident.text() == (
        "友だち追加ありがとうございます。\n現在、申請を受け付けている給付金はありません。"
    )
    resident.say("申請する")
    assert resident.text() == "現在、申請を受け付けている給付金はありません。"
