"""Reading a LINE webhook request: signature check and a strict event model.

Only the fields the service keys on are validated; the rest of each event is
kept as LINE sent it, so new event types and fields are stored, not refused.
The one change: characters no database can store (NUL, and UTF-16 halves
that JSON escapes allow on their own) are dropped or replaced, so one odd
message cannot fail the whole batch with everyone else's events in it.
"""

import base64
import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Reply tokens of the console's old "Verify" payloads; replying to them fails.
DUMMY_REPLY_TOKENS = frozenset({"0" * 32, "f" * 32})
MAX_EVENT_ID_LENGTH = 64
MAX_USER_ID_LENGTH = 33
# Well inside datetime's range, so converting to local time cannot overflow.
MAX_TIMESTAMP_MS = int(datetime(9000, 1, 1, tzinfo=UTC).timestamp()) * 1000
# NUL (PostgreSQL text and jsonb refuse it) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class WebhookParseError(ValueError):
    """The body is not a webhook request LINE would send."""


@dataclass(frozen=True)
class IncomingEvent:
    event_id: str
    event_type: str
    occurred_at: datetime
    is_redelivery: bool
    # Set only for one-to-one chats (source.type == "user").
    user_id: str | None
    payload: dict[str, Any]


def signature_is_valid(channel_secret: str, body: bytes, signature: str) -> bool:
    """Check x-line-signature over the exact bytes received, in constant time."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    expected = base64.b64encode(digest)
    return hmac.compare_digest(expected, signature.encode())


def is_real_reply_token(token: object) -> bool:
    return isinstance(token, str) and bool(token) and token not in DUMMY_REPLY_TOKENS


def parse_events(body: bytes) -> list[IncomingEvent]:
    """Return the body's events, leaving out the console's dummy verify events."""
    document = _storable(_load_json(body))
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise WebhookParseError("expected an object with an events list")
    return [
        _parse_event(raw)
        for raw in document["events"]
        if not _is_dummy_verify_event(raw)
    ]


def _load_json(body: bytes) -> Any:
    def reject_constant(name: str) -> None:
        raise WebhookParseError(f"{name} is not JSON")

    try:
        return json.loads(
            body, parse_constant=reject_constant, parse_float=_finite_or_text
        )
    # ValueError: also an integer beyond Python's digit limit; RecursionError:
    # nesting deeper than the parser goes.
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WebhookParseError("body is not JSON") from exc


def _finite_or_text(literal: str) -> float | str:
    # 1e999 reads as infinity, which JSON cannot store: keep what was sent.
    number = float(literal)
    return number if math.isfinite(number) else literal


def _storable(value: Any) -> Any:
    """The JSON value with every string, keys too, safe to store."""
    try:
        return _storable_value(value)
    except RecursionError as exc:
        raise WebhookParseError("body is nested too deeply") from exc


def _storable_value(value: Any) -> Any:
    if isinstance(value, str):
        return _storable_str(value)
    if isinstance(value, list):
        return [_storable_value(item) for item in value]
    if isinstance(value, dict):
        return {
            _storable_str(key): _storable_value(item) for key, item in value.items()
        }
    return value


def _storable_str(text: str) -> str:
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSTORABLE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return "" if match[0] == "\x00" else "\ufffd"


def _is_dummy_verify_event(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get("replyToken") in DUMMY_REPLY_TOKENS


def _parse_event(raw: Any) -> IncomingEvent:
    if not isinstance(raw, dict):
        raise WebhookParseError("an event is not an object")
    return IncomingEvent(
        event_id=_required_str(raw, "webhookEventId", MAX_EVENT_ID_LENGTH),
        event_type=_required_str(raw, "type", 40),
        occurred_at=_timestamp(raw.get("timestamp")),
        is_redelivery=_is_redelivery(raw.get("deliveryContext")),
        user_id=_user_id(raw.get("source")),
        payload=raw,
    )


def _required_str(raw: dict[str, Any], key: str, max_length: int) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        raise WebhookParseError(f"{key} missing or invalid")
    return value


def _timestamp(value: Any) -> datetime:
    # bool is an int in Python; LINE sends milliseconds since the epoch.
    if not isinstance(value, int) or isinstance(value, bool):
        raise WebhookParseError("timestamp missing or invalid")
    if not 0 <= value <= MAX_TIMESTAMP_MS:
        raise WebhookParseError("timestamp out of range")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _is_redelivery(context: Any) -> bool:
    return isinstance(context, dict) and context.get("isRedelivery") is True


def _user_id(source: Any) -> str | None:
    if not isinstance(source, dict) or source.get("type") != "user":
        return None
    return _required_str(source, "userId", MAX_USER_ID_LENGTH)
