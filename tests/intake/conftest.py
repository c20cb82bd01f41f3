"""A resident's chat with the bot, driven the way the LINE processor drives it.

Every input reloads the LineUser from the database and runs in its own
transaction holding the row lock, so nothing survives between inputs except
what the engine stored: as after a worker restart. Every reply is checked
against LINE's message limits.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from kyufu.intake.models import Application
from kyufu.intake.services import handle_chat_input
from kyufu.line.inputs import ChatInput
from kyufu.line.models import LineChannel, LineUser

from .line_limits import assert_valid_reply

Reply = list[dict[str, Any]]


class Chat:
    def __init__(self, line_user: LineUser) -> None:
        self.line_user_pk = line_user.pk
        self.replies: list[Reply] = []

    # --- what the resident does ---

    def send(self, chat_input: ChatInput) -> Reply:
        with transaction.atomic():
            line_user = LineUser.objects.select_for_update().get(pk=self.line_user_pk)
            reply = handle_chat_input(line_user, chat_input)
        assert_valid_reply(reply)
        self.replies.append(reply)
        return reply

    def follow(self) -> Reply:
        return self.send(ChatInput(kind="follow"))

    def say(self, text: str) -> Reply:
        return self.send(ChatInput(kind="text", text=text))

    def sticker(self) -> Reply:
        return self.send(ChatInput(kind="other", message_type="sticker"))

    def tap(self, label: str, reply: Reply | None = None) -> Reply:
        """Tap the button or quick reply labelled `label` (in the last reply)."""
        action = find_action(reply or self.last, label)
        assert action["type"] == "postback", action
        return self.send(ChatInput(kind="postback", data=action["data"]))

    def pick_date(self, iso: str, reply: Reply | None = None) -> Reply:
        """Choose `iso` in the date picker of the last (or a given) reply."""
        pickers = [
            a for a in actions_in(reply or self.last) if a["type"] == "datetimepicker"
        ]
        assert len(pickers) == 1, pickers
        return self.send(
            ChatInput(kind="postback", data=pickers[0]["data"], params={"date": iso})
        )

    # --- what the resident sees ---

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    def text(self, reply: Reply | None = None) -> str:
        return text_of(reply or self.last)

    def labels(self, reply: Reply | None = None) -> list[str]:
        return [a["label"] for a in actions_in(reply or self.last)]

    def application(self) -> Application:
        return Application.objects.filter(line_user_id=self.line_user_pk).latest("pk")


def text_of(reply: Reply) -> str:
    parts = []
    for message in reply:
        if message["type"] == "text":
            parts.append(message["text"])
        elif message["type"] == "template":
            parts.append(message["template"]["text"])
    return "\n".join(parts)


def actions_in(reply: Reply) -> list[dict[str, Any]]:
    found = []
    for message in reply:
        found += message.get("template", {}).get("actions", [])
        found += [i["action"] for i in message.get("quickReply", {}).get("items", [])]
    return found


def find_action(reply: Reply, label: str) -> dict[str, Any]:
    matches = [a for a in actions_in(reply) if a["label"] == label]
    assert len(matches) == 1, (
        f"no single {label!r} in {[a['label'] for a in actions_in(reply)]}"
    )
    return matches[0]


def make_resident(channel: LineChannel, user_id: str) -> Chat:
    line_user = LineUser.objects.create(
        channel=channel, user_id=user_id, is_following=True
    )
    return Chat(line_user)


@pytest.fixture
def new_chat(channel: LineChannel) -> Callable[[str], Chat]:
    """A chat for a new LINE account of `channel`."""
    counter = iter(range(1, 100))

    def create(name: str = "resident") -> Chat:
        return make_resident(channel, "U" + f"{next(counter):032x}")

    return create


@pytest.fixture
def hanako(
    new_chat: Callable[[str], Chat], programme: Any, eligible_people: Any
) -> Chat:
    """山田 花子, on the eligible list, in her LINE chat with かもめ市."""
    return new_chat("hanako")


def apply_until_confirmation(
    chat: Chat,
    *,
    name: str = "山田 花子",
    kana: str = "ヤマダ ハナコ",
    born: str = "1985-04-12",
) -> Reply:
    """Start and answer every question; returns the confirmation reply."""
    chat.say("申請する")
    chat.say(name)
    chat.say(kana)
    chat.pick_date(born)
    return chat.tap("同意する")
