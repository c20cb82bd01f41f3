"""Forms are data; a definition is checked before a resident ever sees it."""

# Residents read full-width Japanese punctuation; the replies are compared as sent.

import copy
from typing import Any

import pytest

from kyufu.intake.catalog import default_form_definition, validate_form_definition
from kyufu.intake.questions import QUESTION_TYPES


def test_the_default_form_is_valid_and_asks_what_matching_needs() -> None:
    definition = default_form_definition()
    assert validate_form_definition(definition) == []
    assert [(q["key"], q["type"]) for q in definition["questions"]] == [
        ("full_name", "name_kanji"),
        ("furigana", "furigana"),
        ("birth_date", "date"),
        ("agreement", "agreement"),
    ]


def test_every_type_needed_now_is_registered() -> None:
    assert set(QUESTION_TYPES) >= {
        "text",
        "name_kanji",
        "furigana",
        "date",
        "agreement",
        "choice",
    }


def with_question(**entry: Any) -> dict[str, Any]:
    definition = default_form_definition()
    definition["questions"].append(
        {
            "key": "extra",
            "type": "text",
            "label": "その他",
            "prompt": "ご記入ください",
            **entry,
        }
    )
    return definition


def test_an_unknown_type_is_reported() -> None:
    errors = validate_form_definition(with_question(type="telepathy"))
    assert errors == ["設問5：不明な設問の種類です（'telepathy'）。"]


def test_duplicate_keys_are_reported() -> None:
    errors = validate_form_definition(with_question(key="full_name"))
    assert "key「full_name」が重複しています。" in errors


@pytest.mark.parametrize("key", ["confirm", "edit_menu", "Full Name", "", "1st"])
def test_reserved_or_malformed_keys_are_reported(key: str) -> None:
    assert validate_form_definition(with_question(key=key))


def test_a_long_label_would_not_fit_a_button() -> None:
    assert validate_form_definition(with_question(label="あ" * 21))


def test_the_matching_questions_are_required() -> None:
    definition = default_form_definition()
    del definition["questions"][1]
    errors = validate_form_definition(definition)
    assert errors == ["照合のため、種類が furigana の設問「furigana」が必要です。"]


def test_choices_need_short_labels_and_simple_unique_values() -> None:
    good = {"value": "yes", "label": "はい"}
    assert validate_form_definition(with_question(type="choice", options=[good])) == []
    assert validate_form_definition(with_question(type="choice", options=[]))
    assert validate_form_definition(with_question(type="choice", options=[good, good]))
    assert validate_form_definition(
        with_question(type="choice", options=[{"value": "はい", "label": "はい"}])
    )
    eleven = [{"value": f"o{i}", "label": f"{i}"} for i in range(11)]
    assert validate_form_definition(with_question(type="choice", options=eleven))


def test_date_bounds_must_be_dates() -> None:
    assert validate_form_definition(with_question(type="date", min="yesterday"))
    assert validate_form_definition(with_question(type="date", max="today")) == []


@pytest.mark.parametrize("broken", [None, [], {"questions": "none"}, {"version": 1}])
def test_something_that_is_not_a_form_is_reported(broken: Any) -> None:
    assert validate_form_definition(broken) == ["フォームには設問の一覧が必要です。"]


def test_too_many_questions_for_the_edit_menu() -> None:
    definition = default_form_definition()
    extra = copy.deepcopy(definition["questions"][0])
    for i in range(9):
        definition["questions"].append({**extra, "key": f"q{i}"})
    assert "フォームの設問は1〜12問にしてください。" in validate_form_definition(
        definition
    )
