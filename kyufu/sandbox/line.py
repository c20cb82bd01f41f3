"""The LINE half of the sandbox: Messaging API fake, webhook sender, chat page.

:class:`LineSandbox` is what tests hold (``sandbox.line``): it makes a
resident follow, type and tap, reads back what the bot sent, and injects
faults into the fake API. Its :meth:`LineSandbox.app` serves HTTP.
"""

import time
from collections.abc import Callable
from typing import Any

from kyufu.sandbox.chat import ChatPage
from kyufu.sandbox.httpbase import Request, Response
from kyufu.sandbox.line_api import MessagingApiFake
from kyufu.sandbox.state import LineState, LoggedRequest, SentMessage
from kyufu.sandbox.webhook_sender import WebhookSender

DEFAULT_ACCOUNT_NAME = "かもめ市 給付金窓口"


class LineSandbox:
    """A fake LINE channel: one bot, its followers and their chats."""

    def __init__(
        self,
        *,
        webhook_url: str,
        channel_secret: str,
        access_token: str,
        bot_user_id: str,
        account_name: str = DEFAULT_ACCOUNT_NAME,
        reply_token_ttl: float = 60.0,
        monthly_quota: int | None = None,
        rate_limits: dict[str, float] | None = None,
        webhook_timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = LineState(
            reply_token_ttl=reply_token_ttl, monthly_quota=monthly_quota, clock=clock
        )
        self.api = MessagingApiFake(
            self.state, access_token, bot_user_id, account_name, rate_limits
        )
        self.webhook = WebhookSender(
            self.state, webhook_url, channel_secret, bot_user_id, webhook_timeout
        )
        self.chat = ChatPage(self.state, self.webhook, account_name)
        self._initial = (webhook_url, reply_token_ttl, monthly_quota, rate_limits)

    def app(self, request: Request) -> Response:
        """Serve one HTTP request: the Messaging API or the chat page."""
        if request.path.startswith("/v2/"):
            return self.api.handle(request)
        return self.chat.handle(request)

    # Configuration ---------------------------------------------------------

    @property
    def webhook_url(self) -> str:
        return self.webhook.webhook_url

    @webhook_url.setter
    def webhook_url(self, url: str) -> None:
        self.webhook.webhook_url = url

    @property
    def reply_token_ttl(self) -> float:
        return self.state.reply_token_ttl

    @reply_token_ttl.setter
    def reply_token_ttl(self, seconds: float) -> None:
        self.state.reply_token_ttl = seconds

    # Resident actions (each sends a signed webhook; returns its status) ------

    def follow(self, user_id: str, display_name: str | None = None) -> int:
        return self.webhook.follow(user_id, display_name)

    def unfollow(self, user_id: str) -> int:
        return self.webhook.unfollow(user_id)

    def send_text(self, user_id: str, text: str) -> int:
        return self.webhook.send_text(user_id, text)

    def send_postback(
        self,
        user_id: str,
        data: str,
        params: dict[str, str] | None = None,
        display_text: str | None = None,
    ) -> int:
        return self.webhook.send_postback(user_id, data, params, display_text)

    def send_image(
        self, user_id: str, content: bytes, content_type: str = "image/jpeg"
    ) -> int:
        return self.webhook.send_image(user_id, content, content_type)

    def send_verify(self) -> int:
        return self.webhook.verify()

    def redeliver(self, event_id: str | None = None) -> int:
        return self.webhook.redeliver(event_id)

    def send_events(self, events: list[dict[str, Any]]) -> int:
        return self.webhook.send(events)

    @property
    def last_event(self) -> dict[str, Any] | None:
        return self.webhook.last_event

    # Platform-side setup ---------------------------------------------------

    def add_follower(self, user_id: str, display_name: str | None = None) -> None:
        """Make a follower without sending a webhook (bulk setup, benchmarks)."""
        self.state.add_follower(user_id, display_name)

    def issue_reply_token(self, user_id: str) -> str:
        """A valid reply token for the user, as if an event had carried it."""
        return self.state.issue_reply_token(user_id)

    @property
    def followers(self) -> set[str]:
        with self.state.lock:
            return set(self.state.followers)

    def fail_next(
        self,
        path: str,
        status: int,
        count: int = 1,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next ``count`` calls to ``path`` with ``status``, unexecuted."""
        self.state.fail_next(path, status, count, body)

    def set_delay(self, seconds: float, path: str | None = None) -> None:
        """Hold API answers (after doing the work), for one path or all."""
        self.state.set_delay(seconds, path)

    def set_rate_limits(self, rate_limits: dict[str, float] | None) -> None:
        """Per-path requests per second above which the API answers 429."""
        self.api.set_rate_limits(rate_limits)

    def reset(self) -> None:
        """Forget followers, chats, tokens, keys and faults; undo config changes."""
        webhook_url, reply_token_ttl, monthly_quota, rate_limits = self._initial
        self.state.reset()
        self.state.reply_token_ttl = reply_token_ttl
        self.state.monthly_quota = monthly_quota
        self.api.set_rate_limits(rate_limits)
        self.webhook.reset(webhook_url)

    # Reading what the bot sent ---------------------------------------------

    def messages_for(self, user_id: str) -> list[dict[str, Any]]:
        """Message objects the bot sent to the user, in order."""
        return [sent.message for sent in self.state.sent_to(user_id)]

    def sent_for(self, user_id: str) -> list[SentMessage]:
        """Like :meth:`messages_for`, with the endpoint used for each."""
        return self.state.sent_to(user_id)

    def texts_for(self, user_id: str) -> list[str]:
        """The text of every text message the bot sent to the user."""
        return [
            str(m["text"])
            for m in self.messages_for(user_id)
            if m.get("type") == "text"
        ]

    def wait_for_messages(
        self, user_id: str, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot sent ``count`` messages in total; return them all."""
        messages = self.state.wait_for_bot_messages(user_id, count, timeout)
        if len(messages) < count:
            raise TimeoutError(
                f"the bot sent {len(messages)} of {count} messages in {timeout} s"
            )
        return messages

    def transcript(self, user_id: str) -> list[dict[str, Any]]:
        """The chat as the page shows it, resident and bot entries in order."""
        entries = self.state.transcript(user_id)
        return [entry.to_json(index) for index, entry in enumerate(entries, 1)]

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every call the bot made to the fake API, with its status."""
        with self.state.lock:
            return list(self.state.requests)
