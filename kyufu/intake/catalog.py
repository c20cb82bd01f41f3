"""The default application form, and the checks every form definition passes.

A form definition is data staff own, so its labels and prompts are stored
in Japanese as written; only the engine's own words go through gettext.

    {"version": 1, "questions": [
        {"key": "full_name", "type": "name_kanji", "label": "お名前",
         "prompt": "お名前を漢字で入力してください。"}, ...]}
"""

import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from .questions import QUESTION_TYPES
from .replies import MAX_LABEL
from .state import STEP_CONFIRM, STEP_EDIT_MENU

FORM_VERSION = 1
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The edit menu lists every question as a quick reply, next to 「確認に戻る」.
# TODO(forms): page the edit menu before forms grow past this (roadmap 2).
MAX_QUESTIONS = 12
# Submission copies these answers onto the Application for matching.
MATCHING_QUESTIONS = {
    "full_name": "name_kanji",
    "furigana": "furigana",
    "birth_date": "date",
}


def default_form_definition() -> dict[str, Any]:
    """Name, furigana, birth date and agreement: what matching needs."""
    return {
        "version": FORM_VERSION,
        "questions": [
            {
                "key": "full_name",
                "type": "name_kanji",
                "label": "お名前",
                "prompt": "お名前を漢字で入力してください。",
            },
            {
                "key": "furigana",
                "type": "furigana",
                "label": "フリガナ",
                "prompt": "お名前のフリガナを入力してください。",
            },
            {
                "key": "birth_date",
                "type": "date",
                "label": "生年月日",
                "prompt": "生年月日を教えてください。",
                "min": "1900-01-01",
                "max": "today",
                "initial": "1980-01-01",
            },
            {
                "key": "agreement",
                "type": "agreement",
                "label": "同意事項",
                "prompt": "上の内容に同意いただけますか。",
            },
        ],
    }


def validate_form_definition(definition: Any) -> list[str]:
    """Everything wrong with a definition, as messages for its author."""
    if not isinstance(definition, dict) or not isinstance(
        definition.get("questions"), list
    ):
        return [_("A form needs a list of questions.")]
    questions = definition["questions"]
    errors = []
    if definition.get("version") != FORM_VERSION:
        errors.append(_("Unknown form version."))
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        errors.append(
            _("A form has between 1 and %(limit)s questions.")
            % {"limit": MAX_QUESTIONS}
        )
    for position, entry in enumerate(questions, start=1):
        errors += [
            _("Question %(position)s: %(error)s")
            % {"position": position, "error": error}
            for error in _question_errors(entry)
        ]
    return errors + _duplicate_keys(questions) + _missing_matching(questions)


def _question_errors(entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [_("a question must be an object with key, type, label and prompt.")]
    errors = []
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        errors.append(_("the key must be lower-case letters, digits or _."))
    elif key in (STEP_CONFIRM, STEP_EDIT_MENU):
        errors.append(_("the key %(key)s is reserved.") % {"key": key})
    kind = QUESTION_TYPES.get(str(entry.get("type")))
    if kind is None:
        errors.append(_("unknown type %(type)r.") % {"type": entry.get("type")})
    label = entry.get("label")
    if not isinstance(label, str) or not 1 <= len(label) <= MAX_LABEL:
        errors.append(
            _("the label must have 1 to %(limit)s characters.") % {"limit": MAX_LABEL}
        )
    if not isinstance(entry.get("prompt"), str) or not entry["prompt"].strip():
        errors.append(_("the prompt is missing."))
    return errors + (kind.check(entry) if kind else [])


def _duplicate_keys(questions: list[Any]) -> list[str]:
    keys = Counter(q.get("key") for q in questions if isinstance(q, dict))
    return [
        _("The key %(key)s is used more than once.") % {"key": key}
        for key, count in keys.items()
        if count > 1
    ]


def _missing_matching(questions: list[Any]) -> list[str]:
    types = {q.get("key"): q.get("type") for q in questions if isinstance(q, dict)}
    return [
        _("Matching needs the question %(key)s of type %(type)s.")
        % {"key": key, "type": kind}
        for key, kind in MATCHING_QUESTIONS.items()
        if types.get(key) != kind
    ]
