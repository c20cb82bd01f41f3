"""Matching an applicant against the eligible list by furigana and birth date."""

from datetime import date
from typing import Any

from kyufu.core.japanese import furigana_key
from kyufu.eligibility.models import EligiblePerson
from kyufu.eligibility.services import match_applicant
from kyufu.intake.models import Application


def applicant(programme: Any, furigana: str, born: date | None) -> Application:
    return Application.objects.create(
        programme=programme, status="submitted", furigana=furigana, birth_date=born
    )


def test_one_person_with_the_same_furigana_and_birth_date_is_a_match(
    programme: Any, eligible_people: list[Any]
) -> None:
    result = match_applicant(applicant(programme, "ヤマダ ハナコ", date(1985, 4, 12)))

    assert (result.outcome, result.person) == ("matched", eligible_people[0])
    assert result.reason == "furigana+birth_date"


def test_hiragana_half_width_and_odd_spaces_still_match(
    programme: Any, eligible_people: list[Any]
) -> None:
    for typed in ["やまだ　はなこ", "ﾔﾏﾀﾞﾊﾅｺ", " ヤマダ  ハナコ "]:
        result = match_applicant(applicant(programme, typed, date(1985, 4, 12)))
        assert result.person == eligible_people[0], typed


def test_two_people_sharing_furigana_and_birth_date_are_ambiguous(
    programme: Any, eligible_people: list[Any]
) -> None:
    EligiblePerson.objects.create(
        programme=programme,
        resident_code="000099",
        full_name="山田 華子",
        furigana="ヤマダ ハナコ",
        furigana_key=furigana_key("ヤマダ ハナコ"),
        birth_date=date(1985, 4, 12),
    )

    result = match_applicant(applicant(programme, "やまだ はなこ", date(1985, 4, 12)))

    assert (result.outcome, result.person) == ("ambiguous", None)
    assert result.reason == "furigana+birth_date:several"


def test_a_different_birth_date_is_no_match(
    programme: Any, eligible_people: list[Any]
) -> None:
    result = match_applicant(applicant(programme, "ヤマダ ハナコ", date(1985, 4, 13)))

    assert (result.outcome, result.person) == ("none", None)


def test_an_application_without_a_birth_date_is_no_match(
    programme: Any, eligible_people: list[Any]
) -> None:
    assert (
        match_applicant(applicant(programme, "ヤマダ ハナコ", None)).outcome == "none"
    )


def test_people_on_another_programmes_list_do_not_match(
    programme: Any, eligible_people: list[Any]
) -> None:
    other = type(programme).objects.get(pk=programme.pk)
    other.pk = None
    other.name = "別の給付金"
    other.save()

    result = match_applicant(applicant(other, "ヤマダ ハナコ", date(1985, 4, 12)))

    assert result.outcome == "none"
