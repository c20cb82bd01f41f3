"""Question types of the chat form: how each is asked, read and shown back.

A form definition is data (see catalog.py); each question names a type in
QUESTION_TYPES. A type turns what the resident sent (a ChatInput) into a
JSON-safe value or raises InvalidAnswer with a Japanese message saying what
is expected, with an example; it also builds the prompt and the text shown
on the confirmation step.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kyufu.core.japanese import (
    DateParseError,
    format_japanese_date,
    is_katakana_name,
    normalise_name,
    normalise_spaces,
    parse_japanese_date,
    strip_invisible,
    to_katakana,
)
from kyufu.line.inputs import ChatInput

from .replies import (
    MAX_LABEL,
    Action,
    date_picker_action,
    decode_postback,
    encode_postback,
    split_text,
)
from .replies import postback_action as _postback

# Kanji (incl. extension A and compatibility), 々, hiragana and katakana.
_NAME_CHARACTER = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]"
)
_OPTION_VALUE = re.compile(r"^[a-z0-9_-]{1,40}$")
NAME_MAX_LENGTH = 50
TEXT_MAX_LENGTH = 200
# Quick replies hold 13 items; このまま, 戻る and やめる take three of them.
MAX_CHOICE_OPTIONS = 10
# Terms take at most two messages, so a reply with a notice before them and
# the question after them stays within LINE's five.
MAX_TERMS_MESSAGES = 2
EARLIEST_DATE = date(1900, 1, 1)
DEFAULT_PICKER_DATE = date(1980, 1, 1)


class InvalidAnswer(Exception):
    """The answer cannot be used; `message` tells the resident why (Japanese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AnswerDeclined(Exception):
    """The resident chose not to go on (did not agree to the terms)."""


@dataclass(frozen=True)
class Question:
    """One entry of a form definition; `spec` keeps the type's own options."""

    key: str
    type: str
    label: str
    prompt: str
    spec: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_definition(cls, entry: Mapping[str, Any]) -> "Question":
        return cls(
            key=str(entry["key"]),
            type=str(entry["type"]),
            label=str(entry.get("label", "")),
            prompt=str(entry.get("prompt", "")),
            spec=entry,
        )


@dataclass(frozen=True)
class AskContext:
    """What a question needs from around it to be asked and read."""

    conversation_id: int
    today: date
    terms: str = ""


@dataclass(frozen=True)
class Prompt:
    """Texts to send (the last one carries the quick replies) and the type's
    own quick-reply actions; the engine adds navigation after them."""

    texts: list[str]
    actions: list[Action] = field(default_factory=list)


def answer_data(context: AskContext, question: Question, **extra: str) -> str:
    """Postback data that answers `question` in this conversation."""
    return encode_postback(
        action="answer", conv=context.conversation_id, q=question.key, **extra
    )


def typed_text(chat_input: ChatInput) -> str:
    """The text the resident typed, or InvalidAnswer when they tapped something.

    Invisible characters (control codes, zero-width spaces, direction
    overrides) are dropped first: text made only of them counts as empty.
    """
    text = chat_input.text if chat_input.kind == "text" else ""
    text = normalise_spaces(strip_invisible(text))
    if not text:
        raise InvalidAnswer(_("Please type your answer in the message box."))
    return text


def folded(text: str) -> str:
    """Text as compared with button labels: NFKC widths, single spaces."""
    return normalise_spaces(unicodedata.normalize("NFKC", strip_invisible(text)))


class QuestionType:
    """What every type shares; each type overrides parse and what differs."""

    def hint(self) -> str:
        """A line under the staff's prompt on how to answer; none by default."""
        return ""

    def prompt(self, question: Question, context: AskContext) -> Prompt:
        hint = self.hint()
        return Prompt(texts=[f"{question.prompt}\n{hint}" if hint else question.prompt])

    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        raise NotImplementedError

    def display(self, question: Question, value: Any) -> str:
        return str(value)

    def check(self, entry: Mapping[str, Any]) -> list[str]:
        """Errors in this question's own options, for the form's author."""
        return []


class TextType(QuestionType):
    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        text = typed_text(chat_input)
        limit = int(question.spec.get("max_length", TEXT_MAX_LENGTH))
        if len(text) > limit:
            raise InvalidAnswer(
                _("Please keep your answer within %(limit)s characters.")
                % {"limit": limit}
            )
        return text

    def check(self, entry: Mapping[str, Any]) -> list[str]:
        limit = entry.get("max_length", TEXT_MAX_LENGTH)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            return [_("max_length must be a positive whole number.")]
        return []


class NameKanjiType(QuestionType):
    def hint(self) -> str:
        return _("Example: Yamada Hanako (put a space between family and given name)")

    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        name = normalise_name(typed_text(chat_input))
        if len(name) > NAME_MAX_LENGTH:
            raise InvalidAnswer(
                _("Please keep your name within %(limit)s characters.")
                % {"limit": NAME_MAX_LENGTH}
            )
        if not _NAME_CHARACTER.search(name) or any(c.isdigit() for c in name):
            raise InvalidAnswer(
                _("Please enter your full name in kanji. Example: Yamada Hanako")
            )
        return name


class FuriganaType(QuestionType):
    def hint(self) -> str:
        return _("Katakana or hiragana. Example: YAMADA HANAKO")

    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        kana = to_katakana(typed_text(chat_input))
        if len(kana) > NAME_MAX_LENGTH or not is_katakana_name(kana):
            raise InvalidAnswer(
                _(
                    "Please enter the reading of your name in katakana. "
                    "Example: YAMADA HANAKO"
                )
            )
        return kana


class DateType(QuestionType):
    """A date from LINE's date picker (params.date) or typed in any usual way."""

    def prompt(self, question: Question, context: AskContext) -> Prompt:
        earliest, latest = self.bounds(question, context)
        picker = date_picker_action(
            _("Choose on a calendar"),
            answer_data(context, question),
            initial=_iso(question.spec.get("initial")) or DEFAULT_PICKER_DATE,
            earliest=earliest,
            latest=latest,
        )
        hint = _(
            "Tap the button below to choose on a calendar, or type the date. "
            "Example: 1985/4/12 or Showa 60-4-12"
        )
        return Prompt(texts=[f"{question.prompt}\n{hint}"], actions=[picker])

    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        value = self._read(chat_input)
        earliest, latest = self.bounds(question, context)
        if value > latest:
            raise InvalidAnswer(self._too_late(latest, context))
        if value < earliest:
            raise InvalidAnswer(
                _("Please enter a date on or after %(date)s.")
                % {"date": format_japanese_date(earliest)}
            )
        return value.isoformat()

    def display(self, question: Question, value: Any) -> str:
        return format_japanese_date(date.fromisoformat(str(value)))

    def check(self, entry: Mapping[str, Any]) -> list[str]:
        errors = []
        for name in ("min", "max", "initial"):
            raw = entry.get(name)
            if raw is not None and raw != "today" and _iso(raw) is None:
                errors.append(
                    _("%(name)s must be a date like 1980-01-01 or 'today'.")
                    % {"name": name}
                )
        return errors

    def bounds(self, question: Question, context: AskContext) -> tuple[date, date]:
        earliest = _iso(question.spec.get("min"), context.today) or EARLIEST_DATE
        latest = _iso(question.spec.get("max", "today"), context.today)
        return earliest, latest or context.today

    def _read(self, chat_input: ChatInput) -> date:
        picked = (
            chat_input.params.get("date") if chat_input.kind == "postback" else None
        )
        try:
            if picked:
                return date.fromisoformat(picked)
            return parse_japanese_date(typed_text(chat_input))
        except (DateParseError, ValueError):
            raise InvalidAnswer(
                _(
                    "We could not read that as a date. Please check the day exists "
                    "and the era and year go together. "
                    "Example: 1985/4/12 or Showa 60-4-12"
                )
            ) from None

    def _too_late(self, latest: date, context: AskContext) -> str:
        if latest >= context.today:
            return _("That date is in the future. Please check the year.")
        return _("Please enter a date on or before %(date)s.") % {
            "date": format_japanese_date(latest)
        }


def _iso(raw: Any, today: date | None = None) -> date | None:
    """A date from the definition: ISO text, or "today" when `today` is given."""
    if raw == "today":
        return today
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


class AgreementType(QuestionType):
    """Shows the programme terms; declining ends the application politely."""

    def prompt(self, question: Question, context: AskContext) -> Prompt:
        agree, decline = _("I agree"), _("I do not agree")
        # TODO(forms): refuse longer terms when staff save a programme, so
        # none is cut here; until the staff programme editor lands (roadmap 2).
        texts = split_text(context.terms)[:MAX_TERMS_MESSAGES]
        return Prompt(
            texts=[*texts, question.prompt],
            actions=[
                _postback(
                    agree, answer_data(context, question, v="yes"), display_text=agree
                ),
                _postback(
                    decline,
                    answer_data(context, question, v="no"),
                    display_text=decline,
                ),
            ],
        )

    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        choice = self._choice(chat_input)
        if choice == "no":
            raise AnswerDeclined
        if choice != "yes":
            raise InvalidAnswer(
                _("Please choose %(agree)s or %(decline)s with the buttons below.")
                % {"agree": _("I agree"), "decline": _("I do not agree")}
            )
        return True

    def display(self, question: Question, value: Any) -> str:
        return _("Agreed") if value else _("Not agreed")

    def _choice(self, chat_input: ChatInput) -> str:
        if chat_input.kind == "postback":
            return _postback_value(chat_input)
        text = folded(chat_input.text)
        if text in {_("I agree"), "同意する", "同意します", "はい"}:
            return "yes"
        if text in {_("I do not agree"), "同意しない", "同意しません", "いいえ"}:
            return "no"
        return ""


def _postback_value(chat_input: ChatInput) -> str:
    return decode_postback(chat_input.data).get("v", "")


class ChoiceType(QuestionType):
    """One of the options in the definition, as quick-reply buttons."""

    def prompt(self, question: Question, context: AskContext) -> Prompt:
        actions = [
            _postback(
                label,
                answer_data(context, question, v=value),
                display_text=label,
            )
            for value, label in self.options(question)
        ]
        hint = _("Please choose one of the buttons below.")
        return Prompt(texts=[f"{question.prompt}\n{hint}"], actions=actions)

    def parse(
        self, question: Question, chat_input: ChatInput, context: AskContext
    ) -> Any:
        if chat_input.kind == "postback":
            wanted = _postback_value(chat_input)
        else:
            wanted = folded(chat_input.text)
        for value, label in self.options(question):
            if wanted in (value, folded(label)):
                return value
        raise InvalidAnswer(_("Please choose one of the buttons below."))

    def display(self, question: Question, value: Any) -> str:
        return dict(self.options(question)).get(str(value), str(value))

    def options(self, question: Question) -> list[tuple[str, str]]:
        return [
            (str(o["value"]), str(o["label"])) for o in question.spec.get("options", [])
        ]

    def check(self, entry: Mapping[str, Any]) -> list[str]:
        options = entry.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= MAX_CHOICE_OPTIONS:
            return [
                _("A choice needs between 1 and %(limit)s options.")
                % {"limit": MAX_CHOICE_OPTIONS}
            ]
        errors = [error for option in options for error in _option_errors(option)]
        values = [str(o.get("value")) for o in options if isinstance(o, dict)]
        if len(set(values)) < len(values):
            errors.append(_("Option values must be unique."))
        return errors


def _option_errors(option: Any) -> list[str]:
    if not isinstance(option, dict):
        return [_("Each option needs a value and a label.")]
    errors = []
    if not _OPTION_VALUE.match(str(option.get("value", ""))):
        errors.append(
            _("Option value %(value)r must be lower-case letters, digits, - or _.")
            % {"value": option.get("value")}
        )
    label = option.get("label")
    if not isinstance(label, str) or not 1 <= len(label) <= MAX_LABEL:
        errors.append(
            _("Option label %(label)r must have 1 to %(limit)s characters.")
            % {"label": label, "limit": MAX_LABEL}
        )
    return errors


QUESTION_TYPES: dict[str, QuestionType] = {
    "text": TextType(),
    "name_kanji": NameKanjiType(),
    "furigana": FuriganaType(),
    "date": DateType(),
    "agreement": AgreementType(),
    "choice": ChoiceType(),
}


def question_type(question: Question) -> QuestionType:
    return QUESTION_TYPES[question.type]


def questions_of(definition: Mapping[str, Any]) -> list[Question]:
    """The questions of a (validated) form definition, in order."""
    return [Question.from_definition(entry) for entry in definition["questions"]]
