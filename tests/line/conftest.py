"""Fixtures of the LINE tests: signed webhook posts, a fake engine, fake LINE."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kyufu.line.inputs import ChatInput

from .fake_line import FakeLine, FakeLineServer
from .payloads import sign

PostWebhook = Callable[..., Any]


@pytest.fixture
def post_webhook(client: Client, channel: Any) -> PostWebhook:
    """POST raw bytes to the channel's webhook, signed unless told otherwise."""

    def post(body: bytes, *, signature: str | None = "sign") -> Any:
        url = reverse("line:webhook", args=[channel.webhook_key])
        headers = {}
        if signature is not None:
            headers["x-line-signature"] = (
                sign(body) if signature == "sign" else signature
            )
        return client.post(
            url, data=body, content_type="application/json", headers=headers
        )

    return post


@dataclass
class FakeEngine:
    """Stands in for kyufu.intake's handle_chat_input; answers "ok: <text>"."""

    calls: list[tuple[str, ChatInput]] = field(default_factory=list)
    fail_on: set[str] = field(default_factory=set)
    silent: bool = False

    def __call__(self, line_user: Any, chat_input: ChatInput) -> list[dict[str, Any]]:
        self.calls.append((line_user.user_id, chat_input))
        if chat_input.text in self.fail_on:
            raise RuntimeError("the engine broke")
        if self.silent:
            return []
        return [{"type": "text", "text": f"ok: {chat_input.text or chat_input.kind}"}]

    def texts(self, user_id: str | None = None) -> list[str]:
        return [c.text for who, c in self.calls if user_id in (None, who)]


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr("kyufu.line.handlers.converse", fake)
    return fake


@pytest.fixture
def fake_line(settings: Any) -> Iterator[FakeLine]:
    """A fake Messaging API the client is pointed at, with short timeouts."""
    with FakeLineServer() as fake:
        settings.LINE_API_BASE_URL = fake.url
        settings.LINE_DATA_API_BASE_URL = fake.url
        settings.LINE_CONNECT_TIMEOUT = 1.0
        settings.LINE_READ_TIMEOUT = 0.5
        yield fake
