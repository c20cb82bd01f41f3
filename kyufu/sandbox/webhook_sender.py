"""Resident actions as signed LINE webhook requests to the bot's endpoint.

Builds ``{"destination", "events"}`` bodies shaped like LINE's, serialises
them once, signs those exact bytes (``x-line-signature``) and POSTs them.
Each action also updates the fake platform (followers, reply tokens, the
transcript the chat page shows) before the webhook leaves, as LINE does.
"""

import base64
import hashlib
import hmac
import json
import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from kyufu.sandbox import ids
from kyufu.sandbox.state import LineState

logger = logging.getLogger(__name__)

USER_AGENT = "LineBotWebhook/2.0"


def sign(channel_secret: str, body: bytes) -> str:
    """Return LINE's ``x-line-signature`` for a webhook body."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def serialise(payload: dict[str, Any]) -> bytes:
    """Serialise like LINE: compact UTF-8 JSON, Japanese left unescaped."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


@dataclass(frozen=True)
class Delivery:
    """One webhook request and its outcome (status 0: no HTTP answer)."""

    body: bytes
    signature: str
    status: int
    error: str | None = None


class WebhookSender:
    """Sends resident actions to the bot as signed webhook requests."""

    def __init__(
        self,
        state: LineState,
        webhook_url: str,
        channel_secret: str,
        bot_user_id: str,
        timeout: float = 10.0,
    ) -> None:
        self.state = state
        self.webhook_url = webhook_url
        self.channel_secret = channel_secret
        self.bot_user_id = bot_user_id
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self.events: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def reset(self, webhook_url: str) -> None:
        """Forget sent events and deliveries; point at ``webhook_url``."""
        with self._lock:
            self.webhook_url = webhook_url
            self.deliveries.clear()
            self.events.clear()

    # Event builders --------------------------------------------------------

    def event(
        self, kind: str, user_id: str, *, replyable: bool = True, **fields: Any
    ) -> dict[str, Any]:
        """Build one event with LINE's common fields (and a live reply token)."""
        event: dict[str, Any] = {
            "type": kind,
            "timestamp": self.state.now_ms(),
            "mode": "active",
            "webhookEventId": ids.new_ulid(),
            "deliveryContext": {"isRedelivery": False},
            "source": {"type": "user", "userId": user_id},
        }
        if replyable:
            event["replyToken"] = self.state.issue_reply_token(user_id)
        event.update(fields)
        return event

    def text_event(self, user_id: str, text: str) -> dict[str, Any]:
        message = {
            "type": "text",
            "id": ids.new_message_id(),
            "quoteToken": ids.new_quote_token(),
            "text": text,
        }
        return self.event("message", user_id, message=message)

    def postback_event(
        self, user_id: str, data: str, params: dict[str, str] | None = None
    ) -> dict[str, Any]:
        postback: dict[str, Any] = {"data": data}
        if params:
            postback["params"] = dict(params)
        return self.event("postback", user_id, postback=postback)

    # Sending ---------------------------------------------------------------

    def send(self, events: list[dict[str, Any]]) -> int:
        """POST one webhook request carrying ``events``; return the HTTP status."""
        payload = {"destination": self.bot_user_id, "events": events}
        for event in events:
            if "webhookEventId" in event:
                with self._lock:
                    self.events[event["webhookEventId"]] = event
        return self.post(serialise(payload)).status

    def post(self, body: bytes, signature: str | None = None) -> Delivery:
        """POST exact bytes, signed unless a (possibly wrong) signature is given."""
        signature = sign(self.channel_secret, body) if signature is None else signature
        request = urllib.request.Request(  # noqa: S310 - URL is configuration
            self.webhook_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "x-line-signature": signature,
                "User-Agent": USER_AGENT,
            },
        )
        delivery = self._deliver(request, body, signature)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def _deliver(
        self, request: urllib.request.Request, body: bytes, signature: str
    ) -> Delivery:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
                return Delivery(body, signature, response.status)
        except urllib.error.HTTPError as error:
            error.read()
            logger.warning("webhook answered %s", error.code)
            return Delivery(body, signature, error.code, error.reason)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            logger.warning("webhook unreachable at %s: %s", self.webhook_url, error)
            return Delivery(body, signature, 0, str(error))

    def verify(self) -> int:
        """Send the console's "Verify" request: no events at all."""
        return self.send([])

    def redeliver(self, event_id: str | None = None) -> int:
        """Resend an event (the last one by default) as a redelivery."""
        with self._lock:
            if not self.events:
                raise LookupError("no webhook event was sent yet")
            original = self.events[event_id or next(reversed(self.events))]
        event = json.loads(json.dumps(original))
        event["deliveryContext"] = {"isRedelivery": True}
        payload = {"destination": self.bot_user_id, "events": [event]}
        return self.post(serialise(payload)).status

    @property
    def last_event(self) -> dict[str, Any] | None:
        with self._lock:
            return next(reversed(self.events.values()), None)

    # Resident actions ------------------------------------------------------

    def follow(self, user_id: str, display_name: str | None = None) -> int:
        """Add the account as a friend (or unblock it) and tell the bot."""
        is_unblocked = self.state.has_followed(user_id)
        self.state.add_follower(user_id, display_name)
        self.state.record_resident(user_id, "follow")
        event = self.event("follow", user_id, follow={"isUnblocked": is_unblocked})
        return self._send_for(user_id, event)

    def unfollow(self, user_id: str) -> int:
        """Block the account and tell the bot (no reply token)."""
        self.state.remove_follower(user_id)
        self.state.record_resident(user_id, "unfollow")
        event = self.event("unfollow", user_id, replyable=False)
        return self._send_for(user_id, event)

    def send_text(self, user_id: str, text: str) -> int:
        """Type a text message in the chat."""
        self.state.record_resident(user_id, "text", {"type": "text", "text": text})
        return self._send_for(user_id, self.text_event(user_id, text))

    def send_postback(
        self,
        user_id: str,
        data: str,
        params: dict[str, str] | None = None,
        display_text: str | None = None,
    ) -> int:
        """Tap a postback or date-picker action."""
        shown: dict[str, Any] = {"type": "postback", "data": data}
        if params:
            shown["params"] = dict(params)
        if display_text:
            shown["displayText"] = display_text
        self.state.record_resident(user_id, "postback", shown)
        return self._send_for(user_id, self.postback_event(user_id, data, params))

    def send_image(
        self, user_id: str, content: bytes, content_type: str = "image/jpeg"
    ) -> int:
        """Send a photo; the bot fetches it from ``/v2/bot/message/{id}/content``."""
        message_id = ids.new_message_id()
        with self.state.lock:
            self.state.contents[message_id] = (content, content_type)
        self.state.record_resident(
            user_id, "image", {"type": "image", "id": message_id}
        )
        message = {
            "type": "image",
            "id": message_id,
            "quoteToken": ids.new_quote_token(),
            "contentProvider": {"type": "line"},
        }
        return self._send_for(user_id, self.event("message", user_id, message=message))

    def _send_for(self, user_id: str, event: dict[str, Any]) -> int:
        status = self.send([event])
        if not 200 <= status < 300:
            reason = f"HTTP {status}" if status else "接続できません"
            self.state.record_note(
                user_id, f"Webhookの送信に失敗しました。{reason}", level="error"
            )
        return status
