"""Webhook bodies shaped like LINE's (webhook.yml), and their signatures."""

import base64
import hashlib
import hmac
import itertools
import json
from typing import Any

from tests.conftest import BOT_USER_ID, CHANNEL_SECRET

HANAKO = "U" + "a1" * 16
ICHIRO = "U" + "b2" * 16
T0 = 1_767_225_600_000  # 2026-01-01 00:00 UTC, in milliseconds

_ids = itertools.count(1)


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def body_of(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": BOT_USER_ID, "events": list(events)}).encode()


def event(
    event_type: str,
    user_id: str | None,
    *,
    at: int = T0,
    event_id: str | None = None,
    mode: str = "active",
    redelivery: bool = False,
    reply_token: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    number = next(_ids)
    source = {"type": "user", "userId": user_id} if user_id else {"type": "group"}
    if not user_id:
        source["groupId"] = "C" + "c" * 32
    data: dict[str, Any] = {
        "type": event_type,
        "timestamp": at,
        "mode": mode,
        "webhookEventId": event_id or f"01TESTEVENT{number:015d}",
        "deliveryContext": {"isRedelivery": redelivery},
        "source": source,
        **fields,
    }
    if event_type in {"message", "follow", "postback"}:
        data["replyToken"] = reply_token or f"replytoken{number:022d}"
    return data


def text(user_id: str | None, words: str, **kwargs: Any) -> dict[str, Any]:
    message = {"id": "100001", "type": "text", "quoteToken": "q", "text": words}
    return event("message", user_id, message=message, **kwargs)


def follow(user_id: str, **kwargs: Any) -> dict[str, Any]:
    return event("follow", user_id, follow={"isUnblocked": False}, **kwargs)


def unfollow(user_id: str, **kwargs: Any) -> dict[str, Any]:
    return event("unfollow", user_id, **kwargs)


def postback(
    user_id: str, data: str, params: dict[str, str] | None = None, **kwargs: Any
) -> dict[str, Any]:
    content: dict[str, Any] = {"data": data}
    if params:
        content["params"] = params
    return event("postback", user_id, postback=content, **kwargs)
