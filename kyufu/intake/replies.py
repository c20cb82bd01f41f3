"""LINE message objects the conversation replies with, and our postback data.

Builders return plain dicts in LINE's JSON shape, so the outbound path can
store and send them as they are. Limits are LINE's (protocols.md §1.9); the
builders cut labels and alt texts to fit rather than let LINE reject a reply.
"""

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

Message = dict[str, Any]
Action = dict[str, Any]

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_ALT_TEXT = 400
MAX_BUTTONS_TEXT = 160
MAX_CONFIRM_TEXT = 240


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def encode_postback(**fields: str | int) -> str:
    """Our postback data: "action=answer&conv=12&q=full_name" (ASCII only)."""
    data = urlencode({name: str(value) for name, value in fields.items()})
    if len(data) > MAX_POSTBACK_DATA:
        raise ValueError(f"postback data is {len(data)} chars, LINE allows 300")
    return data


def decode_postback(data: str) -> dict[str, str]:
    """The fields of our postback data; unknown or broken data gives {}."""
    return dict(parse_qsl(data, keep_blank_values=True))


def postback_action(label: str, data: str, *, display_text: str = "") -> Action:
    action: Action = {"type": "postback", "label": _cut(label, MAX_LABEL)}
    action["data"] = data
    if display_text:
        action["displayText"] = display_text
    return action


def date_picker_action(
    label: str, data: str, *, initial: date, earliest: date, latest: date
) -> Action:
    """A datetimepicker in date mode; LINE posts back params.date."""
    return {
        "type": "datetimepicker",
        "label": _cut(label, MAX_LABEL),
        "data": data,
        "mode": "date",
        "initial": min(max(initial, earliest), latest).isoformat(),
        "min": earliest.isoformat(),
        "max": latest.isoformat(),
    }


def text_message(text: str, quick_replies: list[Action] | None = None) -> Message:
    message: Message = {"type": "text", "text": _cut(text, MAX_TEXT)}
    return with_quick_replies(message, quick_replies or [])


def with_quick_replies(message: Message, actions: list[Action]) -> Message:
    """The message with quick-reply buttons (shown only on a reply's last one)."""
    if not actions:
        return message
    items = [{"type": "action", "action": a} for a in actions[:MAX_QUICK_REPLY_ITEMS]]
    return {**message, "quickReply": {"items": items}}


def buttons_message(text: str, actions: list[Action], *, alt_text: str) -> Message:
    """A template with up to four buttons under a short text (≤160 chars)."""
    return {
        "type": "template",
        "altText": _cut(alt_text, MAX_ALT_TEXT),
        "template": {
            "type": "buttons",
            "text": _cut(text, MAX_BUTTONS_TEXT),
            "actions": actions[:4],
        },
    }


def confirm_message(text: str, yes: Action, no: Action, *, alt_text: str) -> Message:
    """A template with exactly two buttons side by side."""
    return {
        "type": "template",
        "altText": _cut(alt_text, MAX_ALT_TEXT),
        "template": {
            "type": "confirm",
            "text": _cut(text, MAX_CONFIRM_TEXT),
            "actions": [yes, no],
        },
    }


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Long text (programme terms) in pieces LINE accepts, cut at line ends."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text else pieces
