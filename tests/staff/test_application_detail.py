"""An application's page: everything a case worker needs, every view audited."""

from typing import Any

from django.urls import reverse

from kyufu.audit.models import AuditEvent
from kyufu.audit.services import record
from kyufu.payouts.models import PayoutStatus

from .conftest import make_application, make_payout

ANSWERS = {
    "full_name": "山田 花子",
    "furigana": "ヤマダ ハナコ",
    "birth_date": "1985-04-12",
    "agreement": True,
}


def test_the_page_shows_answers_match_person_and_payout(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    hanako = eligible_people[0]
    application = make_application(
        programme, status="paid", person=hanako, answers=ANSWERS
    )
    application.match_note = "furigana+birth_date"
    application.save()
    make_payout(
        application,
        status=PayoutStatus.DELIVERED,
        attempts=2,
        last_error="timeout: retried with the same request id",
        claim_code="AQ7X-SECRET-CODE",
    )

    response = login(alice).get(
        reverse("staff:application_detail", args=[application.pk])
    )

    text = response.text
    assert response.status_code == 200
    for expected in [
        "お名前",
        "山田 花子",
        "フリガナ",
        "昭和60年",  # the birth date as the intake form shows it
        "フリガナと生年月日で対象者と一致",
        hanako.resident_code,
        "送付済み",
        "10,000 円",
        "timeout: retried with the same request id",
    ]:
        assert expected in text, expected
    assert "AQ7X-SECRET-CODE" not in text


def test_an_answer_the_form_cannot_read_is_shown_as_stored(
    login: Any, alice: Any, programme: Any
) -> None:
    application = make_application(programme, answers={"birth_date": "S60.4.12"})

    response = login(alice).get(
        reverse("staff:application_detail", args=[application.pk])
    )

    assert response.context["answers"] == [("生年月日", "S60.4.12")]


def test_viewing_an_application_writes_an_audit_row(
    login: Any, alice: Any, programme: Any
) -> None:
    application = make_application(programme)

    login(alice).get(reverse("staff:application_detail", args=[application.pk]))

    event = AuditEvent.objects.get(action="application.viewed")
    assert (event.actor, event.municipality) == (alice, programme.municipality)
    assert (event.object_type, event.object_id) == (
        "intake.Application",
        str(application.pk),
    )


def test_the_timeline_lists_the_audit_trail(
    login: Any, alice: Any, bob: Any, programme: Any
) -> None:
    application = make_application(programme)
    record(
        "application.viewed",
        application,
        municipality=programme.municipality,
        actor=bob,
    )

    response = login(alice).get(
        reverse("staff:application_detail", args=[application.pk])
    )

    timeline = [(e.actor_label, label) for e, label in response.context["timeline"]]
    assert timeline == [("bob", "職員が閲覧"), ("alice", "職員が閲覧")]
    assert response.text.count("職員が閲覧") == 2


def test_mallory_gets_404_for_kamomes_application(
    login: Any, mallory: Any, programme: Any
) -> None:
    application = make_application(programme)

    response = login(mallory).get(
        reverse("staff:application_detail", args=[application.pk])
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="application.viewed").exists()
