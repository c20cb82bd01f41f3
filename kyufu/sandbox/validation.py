"""Message-object validation with the limits the LINE Messaging API enforces.

Each check reports ``{"message": ..., "property": ...}`` the way LINE's 400
"The request body has N error(s)" response does. Lengths are counted in UTF-16
code units, as LINE counts them (an emoji outside the BMP counts as two).
"""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

MESSAGE_TYPES = (
    "text",
    "textV2",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
)
ACTION_TYPES = (
    "postback",
    "message",
    "uri",
    "datetimepicker",
    "camera",
    "cameraRoll",
    "location",
    "richmenuswitch",
    "clipboard",
)
TEMPLATE_TYPES = ("buttons", "confirm", "carousel", "image_carousel")
FLEX_COMPONENTS = (
    "box",
    "button",
    "image",
    "video",
    "icon",
    "text",
    "span",
    "separator",
    "filler",
    "spacer",
)
DATETIME_MODES = ("date", "time", "datetime")
URI_SCHEMES = ("http://", "https://", "line://", "tel:")
INPUT_OPTIONS = ("closeRichMenu", "openRichMenu", "openKeyboard", "openVoice")

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL = 20
MAX_FLEX_LABEL = 40
MAX_POSTBACK_DATA = 300
MAX_CAROUSEL_BUBBLES = 12

_DATETIME_FORMATS = {
    "date": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
    "time": (re.compile(r"^\d{2}:\d{2}$"), "%H:%M"),
    "datetime": (re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}$"), "%Y-%m-%dT%H:%M"),
}
_EARLIEST_DATE = date(1900, 1, 1)
_LATEST_DATE = date(2100, 12, 31)


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class Problems:
    """Collects validation problems as LINE ``details`` entries."""

    def __init__(self) -> None:
        self.details: list[dict[str, str]] = []

    def add(self, prop: str, message: str) -> None:
        self.details.append({"message": message, "property": prop})

    def string(
        self,
        obj: dict[str, Any],
        key: str,
        prop: str,
        *,
        max_length: int | None = None,
        min_length: int = 0,
        required: bool = True,
    ) -> str | None:
        """Check an optional or required string property and return it."""
        path = f"{prop}.{key}"
        value = obj.get(key)
        if value is None:
            if required:
                self.add(path, "must be specified")
            return None
        if not isinstance(value, str):
            self.add(path, "must be a string")
            return None
        length = utf16_length(value)
        if max_length is not None and not min_length <= length <= max_length:
            self.add(path, f"Length must be between {min_length} and {max_length}")
        return value

    def one_of(
        self,
        obj: dict[str, Any],
        key: str,
        prop: str,
        values: Iterable[str],
        *,
        required: bool = True,
    ) -> str | None:
        """Check an enumerated property and return it when it is valid."""
        allowed = tuple(values)
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}", "must be specified")
            return None
        if value not in allowed:
            joined = ", ".join(allowed)
            self.add(
                f"{prop}.{key}", f"must be one of the following values: [{joined}]"
            )
            return None
        return str(value)

    def array(
        self, obj: dict[str, Any], key: str, prop: str, low: int, high: int
    ) -> list[Any]:
        """Check an array property's size and return its items."""
        path = f"{prop}.{key}" if prop else key
        value = obj.get(key)
        if value is None:
            self.add(path, "must be specified")
            return []
        if not isinstance(value, list):
            self.add(path, "must be an array")
            return []
        if not low <= len(value) <= high:
            self.add(path, f"Size must be between {low} and {high}")
        return value

    def https_url(
        self, obj: dict[str, Any], key: str, prop: str, *, required: bool = True
    ) -> None:
        url = self.string(obj, key, prop, max_length=2000, required=required)
        if url is not None and not url.startswith("https://"):
            self.add(f"{prop}.{key}", "must be an HTTPS URL")


def validate_messages(messages: Any) -> list[dict[str, str]]:
    """Validate the ``messages`` array of a send request; return the problems."""
    problems = Problems()
    items = problems.array({"messages": messages}, "messages", "", 1, MAX_MESSAGES)
    for index, message in enumerate(items[:MAX_MESSAGES]):
        _message(problems, message, f"messages[{index}]")
    return problems.details


def _message(problems: Problems, message: Any, prop: str) -> None:
    if not isinstance(message, dict):
        problems.add(prop, "must be an object")
        return
    kind = problems.one_of(message, "type", prop, MESSAGE_TYPES)
    if kind is not None:
        _MESSAGE_CHECKS.get(kind, _no_check)(problems, message, prop)
    if "quickReply" in message:
        _quick_reply(problems, message["quickReply"], f"{prop}.quickReply")
    sender = message.get("sender")
    if isinstance(sender, dict):
        name = problems.string(
            sender, "name", f"{prop}.sender", max_length=20, required=False
        )
        if name is not None and "line" in name.lower():
            problems.add(f"{prop}.sender.name", "must not contain 'LINE'")
        problems.https_url(sender, "iconUrl", f"{prop}.sender", required=False)


def _no_check(problems: Problems, message: dict[str, Any], prop: str) -> None:
    """Message types the fake accepts without checking their fields."""


def _text(problems: Problems, message: dict[str, Any], prop: str) -> None:
    problems.string(message, "text", prop, min_length=1, max_length=MAX_TEXT)


def _sticker(problems: Problems, message: dict[str, Any], prop: str) -> None:
    problems.string(message, "packageId", prop)
    problems.string(message, "stickerId", prop)


def _image(problems: Problems, message: dict[str, Any], prop: str) -> None:
    problems.https_url(message, "originalContentUrl", prop)
    problems.https_url(message, "previewImageUrl", prop)


def _location(problems: Problems, message: dict[str, Any], prop: str) -> None:
    problems.string(message, "title", prop, min_length=1, max_length=100)
    problems.string(message, "address", prop, min_length=1, max_length=100)
    for key in ("latitude", "longitude"):
        if not isinstance(message.get(key), int | float):
            problems.add(f"{prop}.{key}", "must be specified")


def _alt_text(problems: Problems, message: dict[str, Any], prop: str) -> None:
    problems.string(message, "altText", prop, min_length=1, max_length=MAX_ALT_TEXT)


def _template_message(problems: Problems, message: dict[str, Any], prop: str) -> None:
    _alt_text(problems, message, prop)
    template = message.get("template")
    if not isinstance(template, dict):
        problems.add(f"{prop}.template", "must be specified")
        return
    tprop = f"{prop}.template"
    kind = problems.one_of(template, "type", tprop, TEMPLATE_TYPES)
    if kind == "buttons":
        _buttons_template(problems, template, tprop)
    elif kind == "confirm":
        problems.string(template, "text", tprop, min_length=1, max_length=240)
        _actions(problems, template, tprop, 2, 2)
    elif kind == "carousel":
        _carousel_template(problems, template, tprop)
    elif kind == "image_carousel":
        columns = problems.array(template, "columns", tprop, 1, 10)
        for index, column in enumerate(columns):
            cprop = f"{tprop}.columns[{index}]"
            if isinstance(column, dict):
                problems.https_url(column, "imageUrl", cprop)
                _action(problems, column.get("action"), f"{cprop}.action")


def _buttons_template(problems: Problems, template: dict[str, Any], tprop: str) -> None:
    decorated = bool(template.get("title") or template.get("thumbnailImageUrl"))
    limit = 60 if decorated else 160
    problems.string(template, "text", tprop, min_length=1, max_length=limit)
    problems.string(template, "title", tprop, max_length=40, required=False)
    problems.https_url(template, "thumbnailImageUrl", tprop, required=False)
    problems.one_of(
        template, "imageAspectRatio", tprop, ("rectangle", "square"), required=False
    )
    problems.one_of(template, "imageSize", tprop, ("cover", "contain"), required=False)
    if "defaultAction" in template:
        _action(problems, template["defaultAction"], f"{tprop}.defaultAction")
    _actions(problems, template, tprop, 1, 4)


def _carousel_template(
    problems: Problems, template: dict[str, Any], tprop: str
) -> None:
    columns = problems.array(template, "columns", tprop, 1, 10)
    action_counts = set()
    for index, column in enumerate(columns):
        cprop = f"{tprop}.columns[{index}]"
        if not isinstance(column, dict):
            problems.add(cprop, "must be an object")
            continue
        decorated = bool(column.get("title") or column.get("thumbnailImageUrl"))
        limit = 60 if decorated else 120
        problems.string(column, "text", cprop, min_length=1, max_length=limit)
        problems.string(column, "title", cprop, max_length=40, required=False)
        action_counts.add(len(_actions(problems, column, cprop, 1, 3)))
    if len(action_counts) > 1:
        problems.add(f"{tprop}.columns", "must have the same number of actions")


def _actions(
    problems: Problems, obj: dict[str, Any], prop: str, low: int, high: int
) -> list[Any]:
    actions = problems.array(obj, "actions", prop, low, high)
    for index, action in enumerate(actions):
        _action(problems, action, f"{prop}.actions[{index}]")
    return actions


def _quick_reply(problems: Problems, quick_reply: Any, prop: str) -> None:
    if not isinstance(quick_reply, dict):
        problems.add(prop, "must be an object")
        return
    items = problems.array(quick_reply, "items", prop, 1, MAX_QUICK_REPLY_ITEMS)
    for index, item in enumerate(items):
        iprop = f"{prop}.items[{index}]"
        if not isinstance(item, dict):
            problems.add(iprop, "must be an object")
            continue
        problems.one_of(item, "type", iprop, ("action",))
        problems.https_url(item, "imageUrl", iprop, required=False)
        _action(problems, item.get("action"), f"{iprop}.action", label_required=True)


def _action(
    problems: Problems,
    action: Any,
    prop: str,
    *,
    label_max: int = MAX_LABEL,
    label_required: bool = False,
) -> None:
    if not isinstance(action, dict):
        problems.add(prop, "must be specified")
        return
    kind = problems.one_of(action, "type", prop, ACTION_TYPES)
    problems.string(
        action, "label", prop, max_length=label_max, required=label_required
    )
    if kind == "postback":
        _postback_action(problems, action, prop)
    elif kind == "message":
        problems.string(action, "text", prop, min_length=1, max_length=300)
    elif kind == "uri":
        uri = problems.string(action, "uri", prop, min_length=1, max_length=1000)
        if uri is not None and not uri.startswith(URI_SCHEMES):
            problems.add(f"{prop}.uri", "must be an http, https, line or tel URI")
    elif kind == "datetimepicker":
        _datetimepicker_action(problems, action, prop)
    elif kind == "richmenuswitch":
        problems.string(action, "richMenuAliasId", prop, min_length=1, max_length=32)
        problems.string(action, "data", prop, max_length=MAX_POSTBACK_DATA)
    elif kind == "clipboard":
        problems.string(action, "clipboardText", prop, min_length=1, max_length=1000)


def _postback_action(problems: Problems, action: dict[str, Any], prop: str) -> None:
    problems.string(action, "data", prop, max_length=MAX_POSTBACK_DATA)
    problems.string(action, "displayText", prop, max_length=300, required=False)
    if "displayText" in action and "text" in action:
        problems.add(f"{prop}.text", "displayText and text cannot be used together")
    problems.one_of(action, "inputOption", prop, INPUT_OPTIONS, required=False)


def _datetimepicker_action(
    problems: Problems, action: dict[str, Any], prop: str
) -> None:
    problems.string(action, "data", prop, max_length=MAX_POSTBACK_DATA)
    mode = problems.one_of(action, "mode", prop, DATETIME_MODES)
    if mode is None:
        return
    pattern, strptime_format = _DATETIME_FORMATS[mode]
    bounds: dict[str, datetime] = {}
    for key in ("initial", "max", "min"):
        value = action.get(key)
        if value is None:
            continue
        parsed = _parse_picker_value(value, pattern, strptime_format)
        if parsed is None:
            problems.add(f"{prop}.{key}", f"must be in the {mode} format")
        else:
            bounds[key] = parsed
    if "max" in bounds and "min" in bounds and bounds["max"] <= bounds["min"]:
        problems.add(f"{prop}.max", "must be later than min")


def _parse_picker_value(
    value: Any, pattern: re.Pattern[str], strptime_format: str
) -> datetime | None:
    if not isinstance(value, str) or not pattern.match(value):
        return None
    try:
        parsed = datetime.strptime(value.replace("t", "T"), strptime_format)
    except ValueError:
        return None
    if "%Y" in strptime_format and not (
        _EARLIEST_DATE <= parsed.date() <= _LATEST_DATE
    ):
        return None
    return parsed


def _flex_message(problems: Problems, message: dict[str, Any], prop: str) -> None:
    _alt_text(problems, message, prop)
    contents = message.get("contents")
    cprop = f"{prop}.contents"
    if not isinstance(contents, dict):
        problems.add(cprop, "must be specified")
        return
    kind = problems.one_of(contents, "type", cprop, ("bubble", "carousel"))
    if kind == "bubble":
        _bubble(problems, contents, cprop)
    elif kind == "carousel":
        bubbles = problems.array(contents, "contents", cprop, 1, MAX_CAROUSEL_BUBBLES)
        for index, bubble in enumerate(bubbles):
            bprop = f"{cprop}.contents[{index}]"
            if isinstance(bubble, dict) and bubble.get("type") == "bubble":
                _bubble(problems, bubble, bprop)
            else:
                problems.add(f"{bprop}.type", "must be bubble")


def _bubble(problems: Problems, bubble: dict[str, Any], prop: str) -> None:
    for block in ("header", "hero", "body", "footer"):
        component = bubble.get(block)
        if component is None:
            continue
        bprop = f"{prop}.{block}"
        allowed = ("box", "image", "video") if block == "hero" else ("box",)
        if not isinstance(component, dict) or component.get("type") not in allowed:
            problems.add(f"{bprop}.type", f"must be one of: {', '.join(allowed)}")
            continue
        _component(problems, component, bprop)
    if "action" in bubble:
        _action(problems, bubble["action"], f"{prop}.action", label_max=MAX_FLEX_LABEL)


def _component(problems: Problems, component: Any, prop: str) -> None:
    if not isinstance(component, dict):
        problems.add(prop, "must be an object")
        return
    kind = problems.one_of(component, "type", prop, FLEX_COMPONENTS)
    if kind == "box":
        problems.one_of(
            component, "layout", prop, ("horizontal", "vertical", "baseline")
        )
        children = component.get("contents")
        if not isinstance(children, list):
            problems.add(f"{prop}.contents", "must be specified")
            children = []
        for index, child in enumerate(children):
            _component(problems, child, f"{prop}.contents[{index}]")
    elif kind == "button":
        if "action" not in component:
            problems.add(f"{prop}.action", "must be specified")
    elif kind in ("image", "icon"):
        problems.https_url(component, "url", prop)
    elif kind == "text":
        spans = component.get("contents")
        problems.string(component, "text", prop, required=not spans)
        for index, span in enumerate(spans if isinstance(spans, list) else []):
            _component(problems, span, f"{prop}.contents[{index}]")
    elif kind == "span":
        problems.string(component, "text", prop)
    elif kind == "video":
        problems.https_url(component, "url", prop)
        problems.https_url(component, "previewUrl", prop)
    if "action" in component:
        _action(
            problems, component["action"], f"{prop}.action", label_max=MAX_FLEX_LABEL
        )


_MESSAGE_CHECKS = {
    "text": _text,
    "textV2": _text,
    "sticker": _sticker,
    "image": _image,
    "video": _image,
    "location": _location,
    "imagemap": _alt_text,
    "template": _template_message,
    "flex": _flex_message,
}
