"""What each kind of LINE event does, dispatched through one table.

A handler updates the follower and reduces the event to a ChatInput for the
conversation engine; events with no handler are kept and marked ignored.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .inputs import ChatInput
from .models import EventStatus, LineUser, WebhookEvent

Handler = Callable[[LineUser, WebhookEvent], ChatInput | None]


@dataclass(frozen=True)
class Outcome:
    status: EventStatus
    # LINE message objects (dicts) the engine wants sent back.
    messages: list[dict[str, Any]] = field(default_factory=list)


def converse(line_user: LineUser, chat_input: ChatInput) -> list[dict[str, Any]]:
    """Hand one input to the conversation engine; the one patch point in tests."""
    # Imported here: kyufu.intake imports this app's models.
    from kyufu.intake.services import handle_chat_input

    messages: list[dict[str, Any]] = handle_chat_input(line_user, chat_input)
    return messages


def dispatch(line_user: LineUser, event: WebhookEvent) -> Outcome:
    """Handle one stored event of a resident; raises what the handler raises."""
    # In standby mode another module channel holds the chat: stay silent.
    if event.payload.get("mode") == "standby":
        return Outcome(EventStatus.IGNORED)
    handler = EVENT_HANDLERS.get(event.event_type)
    if handler is None:
        return Outcome(EventStatus.IGNORED)
    chat_input = handler(line_user, event)
    if chat_input is None:
        return Outcome(EventStatus.PROCESSED)
    return Outcome(EventStatus.PROCESSED, converse(line_user, chat_input))


def redacted(payload: dict[str, Any]) -> dict[str, Any]:
    """The event without what the resident typed or picked (names, birth dates).

    Kept once the event is handled: type, ids, timestamps, source, mode.
    """
    clean = dict(payload)
    if isinstance(clean.get("message"), dict):
        message = clean["message"]
        clean["message"] = {k: message[k] for k in ("id", "type") if k in message}
    if "postback" in clean:
        clean["postback"] = {}
    return clean


def _on_follow(line_user: LineUser, event: WebhookEvent) -> ChatInput:
    if _is_latest_follow_change(line_user, event.occurred_at):
        line_user.is_following = True
        line_user.followed_at = event.occurred_at
        line_user.save(update_fields=["is_following", "followed_at"])
    return ChatInput(kind="follow")


def _on_unfollow(line_user: LineUser, event: WebhookEvent) -> None:
    if _is_latest_follow_change(line_user, event.occurred_at):
        line_user.is_following = False
        line_user.unfollowed_at = event.occurred_at
        line_user.save(update_fields=["is_following", "unfollowed_at"])


def _is_latest_follow_change(line_user: LineUser, occurred_at: datetime) -> bool:
    """A follow or unfollow arriving after a later one must not undo it."""
    known = [t for t in (line_user.followed_at, line_user.unfollowed_at) if t]
    return not known or occurred_at >= max(known)


def _on_message(line_user: LineUser, event: WebhookEvent) -> ChatInput:
    message = event.payload.get("message") or {}
    if message.get("type") == "text":
        return ChatInput(kind="text", text=str(message.get("text", "")))
    return ChatInput(
        kind="other",
        message_type=str(message.get("type", "")),
        message_id=str(message.get("id", "")),
    )


def _on_postback(line_user: LineUser, event: WebhookEvent) -> ChatInput:
    postback = event.payload.get("postback") or {}
    params = postback.get("params") or {}
    return ChatInput(
        kind="postback",
        data=str(postback.get("data", "")),
        params={str(key): str(value) for key, value in params.items()},
    )


EVENT_HANDLERS: dict[str, Handler] = {
    "follow": _on_follow,
    "unfollow": _on_unfollow,
    "message": _on_message,
    "postback": _on_postback,
}
