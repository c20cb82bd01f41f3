"""What submission decides: pay, hand to staff, refuse, or spot a duplicate."""

from collections.abc import Callable
from datetime import date
from typing import Any

from kyufu.eligibility.models import EligiblePerson
from kyufu.intake.models import Application, ApplicationStatus
from kyufu.payouts.models import Payout

from .conftest import Chat, apply_until_confirmation

NewChat = Callable[[str], Chat]


def test_someone_not_on_the_list_is_refused_politely(
    new_chat: NewChat, programme: Any, eligible_people: Any
) -> None:
    kenji = new_chat("kenji")
    apply_until_confirmation(
        kenji, name="高橋 健二", kana="タカハシ ケンジ", born="1970-07-07"
    )
    kenji.tap("送信")
    reply = kenji.text()
    assert "対象の方を確認できませんでした" in reply
    assert "お名前・フリガナ・生年月日に誤りがないかご確認ください" in reply
    assert "かもめ市の担当窓口へお問い合わせください" in reply
    for person in eligible_people:
        assert person.full_name not in reply and person.furigana not in reply
    assert "申請する" in kenji.labels(), "they may correct a typo and apply again"
    application = kenji.application()
    assert application.status == ApplicationStatus.NOT_ELIGIBLE
    assert application.eligible_person is None
    assert not Payout.objects.exists()


def test_a_typo_can_be_corrected_by_applying_again(hanako: Chat) -> None:
    apply_until_confirmation(hanako, born="1985-04-21")
    hanako.tap("送信")
    hanako.tap("申請する")
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    assert hanako.application().status == ApplicationStatus.MATCHED


def test_after_three_refusals_the_resident_is_sent_to_the_office(
    new_chat: NewChat, programme: Any, eligible_people: Any
) -> None:
    guesser = new_chat("guesser")
    for year in (1970, 1971, 1972):
        apply_until_confirmation(guesser, born=f"{year}-01-01")
        guesser.tap("送信")
    assert "申請する" not in guesser.labels()
    guesser.say("申請する")
    assert "このトークでは手続きを続けられません" in guesser.text()
    assert Application.objects.count() == 3


def test_the_same_person_from_a_second_line_account_is_a_duplicate(
    hanako: Chat, new_chat: NewChat
) -> None:
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    tablet = new_chat("hanako-tablet")
    apply_until_confirmation(tablet)
    tablet.tap("送信")
    assert (
        "この方の申請はすでに受け付けています。給付はお一人につき1回です。"
        in tablet.text()
    )
    assert tablet.application().status == ApplicationStatus.DUPLICATE
    assert Payout.objects.count() == 1


def test_a_duplicate_is_spotted_before_any_payout_when_staff_review(
    hanako: Chat, new_chat: NewChat, programme: Any
) -> None:
    programme.auto_payout = False
    programme.save()
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    tablet = new_chat("hanako-tablet")
    apply_until_confirmation(tablet)
    tablet.tap("送信")
    assert tablet.application().status == ApplicationStatus.DUPLICATE


def test_an_existing_payout_for_the_person_makes_a_duplicate(
    hanako: Chat, programme: Any, eligible_people: Any
) -> None:
    paper = Application.objects.create(
        programme=programme,
        status=ApplicationStatus.SUBMITTED,
        eligible_person=eligible_people[0],
    )
    Payout.objects.create(
        programme=programme,
        application=paper,
        eligible_person=eligible_people[0],
        amount_yen=programme.amount_yen,
        method=programme.payout_method,
    )
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    assert hanako.application().status == ApplicationStatus.DUPLICATE
    assert "すでに受け付けています" in hanako.text()
    assert Payout.objects.count() == 1


def test_applying_again_after_submission_is_refused(hanako: Chat) -> None:
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    hanako.say("申請する")
    assert hanako.text() == (
        "「子育て応援給付金」の申請はすでに受け付けています。\n"
        "ご不明な点はかもめ市の担当窓口へお問い合わせください。"
    )
    assert Application.objects.count() == 1


def test_an_ambiguous_match_goes_to_a_case_worker(
    hanako: Chat, programme: Any, eligible_people: Any
) -> None:
    EligiblePerson.objects.create(
        programme=programme,
        resident_code="000099",
        full_name="山田 花子",
        furigana="ヤマダ ハナコ",
        furigana_key="ヤマダハナコ",
        birth_date=date(1985, 4, 12),
    )
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    assert "担当者が確認し、このトークでお知らせします。" in hanako.text()
    assert hanako.application().status == ApplicationStatus.NEEDS_REVIEW
    assert not Payout.objects.exists()


def test_when_the_budget_is_used_up_staff_will_contact_the_resident(
    hanako: Chat, new_chat: NewChat, programme: Any
) -> None:
    programme.budget_yen = programme.amount_yen
    programme.save()
    ichiro = new_chat("ichiro")
    apply_until_confirmation(
        ichiro, name="鈴木 一郎", kana="スズキ イチロウ", born="1990-01-31"
    )
    ichiro.tap("送信")
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    assert "給付については、担当者からこのトークでご連絡します。" in hanako.text()
    application = hanako.application()
    assert application.status == ApplicationStatus.NEEDS_REVIEW
    assert application.eligible_person is not None
    assert Payout.objects.count() == 1


def test_without_automatic_payout_the_resident_hears_after_review(
    hanako: Chat, programme: Any
) -> None:
    programme.auto_payout = False
    programme.save()
    apply_until_confirmation(hanako)
    hanako.tap("送信")
    assert hanako.text() == "申請を受け付けました。審査後にお知らせします。"
    assert hanako.application().status == ApplicationStatus.MATCHED
    assert not Payout.objects.exists()


def test_submission_enqueues_the_issue_task_with_the_payout(hanako: Chat) -> None:
    from django_tasks_db.models import DBTaskResult

    apply_until_confirmation(hanako)
    hanako.tap("送信")
    payout = Payout.objects.get()
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("issue_payout")
    assert queued.args_kwargs["args"] == [payout.pk]
