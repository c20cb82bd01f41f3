"""The conversation engine: one resident input moves the form one step.

Pure logic over a Conversation and its Application, both changed in memory
only; services.py loads them, saves them and talks to the rest of the
system. Steps are the question keys, then STEP_CONFIRM (every answer with
「送信」/「修正」) and STEP_EDIT_MENU (which answer to change).

Postbacks name their conversation and step, so a button from an old message
(a second 送信, an old date picker) is recognised and answered with the
current step instead of being applied twice or in the wrong place.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kyufu.line.inputs import ChatInput
from kyufu.programmes.models import Programme

from . import notices
from .models import (
    Application,
    ApplicationStatus,
    Conversation,
    ConversationStatus,
)
from .questions import (
    AnswerDeclined,
    AskContext,
    InvalidAnswer,
    Question,
    folded,
    question_type,
)
from .replies import (
    Action,
    Message,
    confirm_message,
    decode_postback,
    encode_postback,
    postback_action,
    text_message,
    with_quick_replies,
)
from .state import (
    STEP_CONFIRM,
    STEP_EDIT_MENU,
    answer_of,
    current_step,
    go_to,
    has_answer,
    is_editing,
    record_answer,
)

# Typed words that work like the buttons; compared after NFKC and trimming.
BACK_WORDS = frozenset({"戻る", "もどる", "戻"})
CANCEL_WORDS = frozenset({"やめる", "止める", "中止", "キャンセル"})
SUBMIT_WORDS = frozenset({"送信", "送信する"})
EDIT_WORDS = frozenset({"修正", "修正する"})


@dataclass
class Session:
    """One conversation with everything a step needs, loaded by services."""

    conversation: Conversation
    application: Application
    programme: Programme
    questions: list[Question]
    context: AskContext


@dataclass
class Turn:
    """What one input produced: replies, and whether 送信 was chosen."""

    messages: list[Message] = field(default_factory=list)
    submit: bool = False


# --- Entry points ----------------------------------------------------------


def start(session: Session) -> list[Message]:
    """Ask the first question of a new conversation."""
    go_to(session.conversation, session.questions[0].key)
    return current_messages(session)


def resume(session: Session) -> list[Message]:
    return [notices.resumed(), *current_messages(session)]


def advance(session: Session, chat_input: ChatInput) -> Turn:
    """Handle one input of the resident in an active conversation."""
    if chat_input.kind == "postback":
        return _on_postback(session, chat_input)
    if chat_input.kind != "text":
        return Turn([notices.text_only(), *current_messages(session)])
    return _on_text(session, chat_input)


def close(session: Session) -> None:
    """The programme closed during the conversation: end it, nothing sent."""
    _end(session, ApplicationStatus.CANCELLED, ConversationStatus.CANCELLED)


def current_messages(session: Session) -> list[Message]:
    """The messages that ask for the current step, as sent the first time."""
    step = current_step(session.conversation)
    if step == STEP_CONFIRM:
        return _confirmation(session)
    if step == STEP_EDIT_MENU:
        return _edit_menu(session)
    return _ask(session, _question(session, step))


# --- Dispatch --------------------------------------------------------------


def _on_text(session: Session, chat_input: ChatInput) -> Turn:
    word = folded(chat_input.text)
    step = current_step(session.conversation)
    if word in CANCEL_WORDS:
        return _cancel(session)
    if word in BACK_WORDS:
        return _back(session)
    if step == STEP_CONFIRM:
        return _on_confirmation_text(session, word)
    if step == STEP_EDIT_MENU:
        return _on_edit_menu_text(session, word)
    return _answer(session, _question(session, step), chat_input)


def _on_postback(session: Session, chat_input: ChatInput) -> Turn:
    fields = decode_postback(chat_input.data)
    step = current_step(session.conversation)
    if fields.get("conv") != str(session.conversation.pk):
        return _stale(session)
    action, key = fields.get("action"), fields.get("q")
    if action == "cancel":
        return _cancel(session)
    if action in ("answer", "keep", "back") and key != step:
        return _stale(session)
    if action == "answer":
        return _answer(session, _question(session, step), chat_input)
    if action == "keep":
        return _keep(session)
    if action == "back":
        return _back(session)
    return _on_review_postback(session, action, key, step)


def _on_review_postback(
    session: Session, action: str | None, key: str | None, step: str
) -> Turn:
    """送信, 修正 and the edit menu: valid only on those steps."""
    if action == "submit" and step == STEP_CONFIRM:
        return Turn(submit=True)
    if action == "edit" and step == STEP_CONFIRM:
        return _open_edit_menu(session)
    if action == "edit" and step == STEP_EDIT_MENU:
        return _edit(session, key)
    if action == "review" and step == STEP_EDIT_MENU:
        return _enter(session, STEP_CONFIRM)
    return _stale(session)


def _on_confirmation_text(session: Session, word: str) -> Turn:
    if word in SUBMIT_WORDS or word == _("Send"):
        return Turn(submit=True)
    if word in EDIT_WORDS or word == _("Change"):
        return _open_edit_menu(session)
    hint = text_message(_("Please choose Send or Change."))
    return Turn([hint, *_confirmation(session)])


def _on_edit_menu_text(session: Session, word: str) -> Turn:
    for question in session.questions:
        if word in (question.label, question.key):
            return _edit(session, question.key)
    hint = text_message(_("Please choose the answer to change with the buttons."))
    return Turn([hint, *_edit_menu(session)])


# --- Moves -----------------------------------------------------------------


def _answer(session: Session, question: Question, chat_input: ChatInput) -> Turn:
    kind = question_type(question)
    try:
        value = kind.parse(question, chat_input, session.context)
    except InvalidAnswer as invalid:
        return Turn([text_message(invalid.message), *_ask(session, question)])
    except AnswerDeclined:
        _end(session, ApplicationStatus.CANCELLED, ConversationStatus.CANCELLED)
        return Turn(notices.declined(session.programme))
    record_answer(session.application, question.key, value)
    ack = _answer_line(question, value)
    return _enter(session, _step_after(session, question), lead=ack)


def _keep(session: Session) -> Turn:
    """「このまま」: the current answer stands; move on as if re-given."""
    question = _question(session, current_step(session.conversation))
    if not has_answer(session.application, question.key):
        return _stale(session)
    return _enter(session, _step_after(session, question))


def _back(session: Session) -> Turn:
    step = current_step(session.conversation)
    if step == STEP_EDIT_MENU or is_editing(session.conversation):
        return _enter(session, STEP_CONFIRM)
    if step == STEP_CONFIRM:
        return _enter(session, session.questions[-1].key)
    index = _index(session, _question(session, step).key)
    if index == 0:
        return Turn([notices.first_question(), *current_messages(session)])
    return _enter(session, session.questions[index - 1].key)


def _cancel(session: Session) -> Turn:
    _end(session, ApplicationStatus.CANCELLED, ConversationStatus.CANCELLED)
    return Turn(notices.cancelled(session.programme))


def _open_edit_menu(session: Session) -> Turn:
    go_to(session.conversation, STEP_EDIT_MENU)
    return Turn(_edit_menu(session))


def _edit(session: Session, key: str | None) -> Turn:
    if key not in {q.key for q in session.questions}:
        return _stale(session)
    go_to(session.conversation, str(key), editing=True)
    return Turn(current_messages(session))


def _stale(session: Session) -> Turn:
    return Turn([notices.already_done(), *current_messages(session)])


def _enter(session: Session, step: str, *, lead: str = "") -> Turn:
    """Go to `step` and ask it; the confirmation waits for every answer."""
    if step == STEP_CONFIRM:
        missing = [
            q for q in session.questions if not has_answer(session.application, q.key)
        ]
        step = missing[0].key if missing else STEP_CONFIRM
    go_to(session.conversation, step)
    messages = current_messages(session)
    if lead:
        messages = [text_message(lead), *messages]
    return Turn(messages)


def _end(session: Session, application: str, conversation: str) -> None:
    session.application.status = application
    session.conversation.status = conversation


def _step_after(session: Session, question: Question) -> str:
    if is_editing(session.conversation):
        return STEP_CONFIRM
    following = session.questions[_index(session, question.key) + 1 :]
    return following[0].key if following else STEP_CONFIRM


# --- Messages --------------------------------------------------------------


def _ask(session: Session, question: Question) -> list[Message]:
    prompt = question_type(question).prompt(question, session.context)
    texts = list(prompt.texts)
    texts[-1] = (
        f"{_progress(session, question)}{texts[-1]}{_current(session, question)}"
    )
    actions = [*prompt.actions, *_navigation(session, question)]
    return [
        *(text_message(t) for t in texts[:-1]),
        text_message(texts[-1], actions),
    ]


def _progress(session: Session, question: Question) -> str:
    if is_editing(session.conversation):
        return ""
    return _("[%(number)s/%(total)s] ") % {
        "number": _index(session, question.key) + 1,
        "total": len(session.questions),
    }


def _current(session: Session, question: Question) -> str:
    if not has_answer(session.application, question.key):
        return ""
    shown = question_type(question).display(
        question, answer_of(session.application, question.key)
    )
    return "\n" + _("Current answer: %(answer)s") % {"answer": shown}


def _navigation(session: Session, question: Question) -> list[Action]:
    """「このまま」, 「戻る」 and 「やめる」 after the question's own buttons."""
    actions = []
    if has_answer(session.application, question.key):
        actions.append(_button(session, _("Keep as is"), "keep", question.key))
    if is_editing(session.conversation) or _index(session, question.key) > 0:
        actions.append(_button(session, _("Back"), "back", question.key))
    actions.append(_button(session, _("Stop"), "cancel"))
    return actions


def _button(session: Session, label: str, action: str, key: str = "") -> Action:
    fields: dict[str, str | int] = {"action": action, "conv": session.conversation.pk}
    if key:
        fields["q"] = key
    return postback_action(label, encode_postback(**fields), display_text=label)


def _confirmation(session: Session) -> list[Message]:
    lines = [
        _answer_line(q, answer_of(session.application, q.key))
        for q in session.questions
        if has_answer(session.application, q.key)
    ]
    summary = "\n".join([_("Please check your answers."), "", *lines])
    question = _("Send the application with these answers?")
    send, change = _("Send"), _("Change")
    buttons = confirm_message(
        question,
        _button(session, send, "submit"),
        _button(session, change, "edit"),
        alt_text=question,
    )
    navigation = [
        _button(session, _("Back"), "back", STEP_CONFIRM),
        _button(session, _("Stop"), "cancel"),
    ]
    return [text_message(summary), with_quick_replies(buttons, navigation)]


def _answer_line(question: Question, value: Any) -> str:
    """One answer as it is read back: label, then the answer as shown."""
    return _("%(label)s: %(answer)s") % {
        "label": question.label,
        "answer": question_type(question).display(question, value),
    }


def _edit_menu(session: Session) -> list[Message]:
    actions = [_button(session, q.label, "edit", q.key) for q in session.questions]
    actions.append(_button(session, _("Back to confirmation"), "review"))
    return [text_message(_("Which answer would you like to change?"), actions)]


# --- Helpers ---------------------------------------------------------------


def _question(session: Session, key: str) -> Question:
    """The question for `key`; an unknown step restarts at the first unanswered.

    A step can be unknown when staff changed the form during a conversation.
    """
    for question in session.questions:
        if question.key == key:
            return question
    first_open = next(
        (q for q in session.questions if not has_answer(session.application, q.key)),
        session.questions[0],
    )
    go_to(session.conversation, first_open.key)
    return first_open


def _index(session: Session, key: str) -> int:
    return [q.key for q in session.questions].index(key)
