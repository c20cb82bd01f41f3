"""Accessors for conversation state and application answers.

Conversation.state and Application.answers are JSON; every read and write
of them goes through these functions, so their shape lives in one place:

    Conversation.state = {"step": "<question key>" | "confirm" | "edit_menu",
                          "editing": bool}
    Application.answers = {"<question key>": <JSON value>, ...}
"""

from typing import Any

from .models import Application, Conversation

STEP_CONFIRM = "confirm"
STEP_EDIT_MENU = "edit_menu"


def current_step(conversation: Conversation) -> str:
    """The question key being asked, or STEP_CONFIRM / STEP_EDIT_MENU."""
    return str(conversation.state.get("step", ""))


def is_editing(conversation: Conversation) -> bool:
    """True while one answer is re-asked from the confirmation step."""
    return bool(conversation.state.get("editing", False))


def go_to(conversation: Conversation, step: str, *, editing: bool = False) -> None:
    conversation.state = {"step": step, "editing": editing}


def answer_of(application: Application, key: str) -> Any:
    return application.answers.get(key)


def has_answer(application: Application, key: str) -> bool:
    return key in application.answers


def record_answer(application: Application, key: str, value: Any) -> None:
    application.answers = {**application.answers, key: value}
