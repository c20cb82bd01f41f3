"""A checker for reply messages against the limits the LINE Messaging API
enforces (protocols.md §1.9); every reply in these tests goes through it."""

from datetime import date
from typing import Any

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL = 20
MAX_DATA = 300
MAX_ALT_TEXT = 400


def problems_in_reply(messages: list[dict[str, Any]]) -> list[str]:
    found = []
    if not 1 <= len(messages) <= MAX_MESSAGES:
        found.append(f"a reply holds 1 to 5 messages, not {len(messages)}")
    for index, message in enumerate(messages):
        found += [f"message {index}: {p}" for p in _message_problems(message)]
    return found


def assert_valid_reply(messages: list[dict[str, Any]]) -> None:
    found = problems_in_reply(messages)
    assert not found, found


def _message_problems(message: dict[str, Any]) -> list[str]:
    found = []
    kind = message.get("type")
    if kind == "text":
        if not 1 <= len(message.get("text", "")) <= MAX_TEXT:
            found.append("text must have 1 to 5000 characters")
    elif kind == "template":
        found += _template_problems(message)
    elif kind != "flex":
        found.append(f"unexpected message type {kind!r}")
    items = message.get("quickReply", {}).get("items", [])
    if len(items) > MAX_QUICK_REPLY_ITEMS:
        found.append(f"{len(items)} quick replies, at most 13")
    for item in items:
        if item.get("type") != "action":
            found.append("a quick reply item has type 'action'")
        found += _action_problems(item.get("action", {}))
    return found


def _template_problems(message: dict[str, Any]) -> list[str]:
    found = []
    template = message.get("template", {})
    if not 1 <= len(message.get("altText", "")) <= MAX_ALT_TEXT:
        found.append("altText must have 1 to 400 characters")
    actions = template.get("actions", [])
    if template.get("type") == "buttons":
        if not 1 <= len(template.get("text", "")) <= 160:
            found.append("buttons text must have 1 to 160 characters")
        if not 1 <= len(actions) <= 4:
            found.append("buttons hold 1 to 4 actions")
    elif template.get("type") == "confirm":
        if not 1 <= len(template.get("text", "")) <= 240:
            found.append("confirm text must have 1 to 240 characters")
        if len(actions) != 2:
            found.append("confirm holds exactly 2 actions")
    else:
        found.append(f"unexpected template {template.get('type')!r}")
    for action in actions:
        found += _action_problems(action)
    return found


def _action_problems(action: dict[str, Any]) -> list[str]:
    found = []
    if not 1 <= len(action.get("label", "")) <= MAX_LABEL:
        found.append(f"label {action.get('label')!r} must have 1 to 20 characters")
    kind = action.get("type")
    if kind in ("postback", "datetimepicker") and not (
        1 <= len(action.get("data", "")) <= MAX_DATA
    ):
        found.append("postback data must have 1 to 300 characters")
    if kind == "postback" and len(action.get("displayText", "")) > MAX_DATA:
        found.append("displayText is at most 300 characters")
    if kind == "datetimepicker":
        found += _picker_problems(action)
    elif kind not in ("postback", "message", "uri", "clipboard"):
        found.append(f"unexpected action {kind!r}")
    return found


def _picker_problems(action: dict[str, Any]) -> list[str]:
    if action.get("mode") != "date":
        return ["the date picker uses mode 'date'"]
    limits = [date.fromisoformat(action[name]) for name in ("min", "initial", "max")]
    earliest, initial, latest = limits
    if not date(1900, 1, 1) <= earliest < latest <= date(2100, 12, 31):
        return ["picker min < max, both within 1900-01-01..2100-12-31"]
    if not earliest <= initial <= latest:
        return ["picker initial lies between min and max"]
    return []
