"""Fixtures for the sandbox tests: a running sandbox and a webhook receiver.

Nothing here touches the database; every server binds 127.0.0.1 on port 0.
"""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from kyufu.sandbox import Sandbox

CHANNEL_SECRET = "sandbox-test-secret"
ACCESS_TOKEN = "sandbox-test-token"
BOT_USER_ID = "U" + "b0" * 16
HANAKO = "U" + "a1" * 16
ICHIRO = "U" + "c2" * 16
AGCOD_ACCESS_KEY = "AKIDSANDBOXTEST"
AGCOD_SECRET_KEY = "sandbox-test-agcod-secret"
PARTNER_ID = "Kamom"


@dataclass
class Received:
    """One webhook request as the bot's endpoint received it."""

    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A stand-in for the bot's webhook endpoint."""

    url: str = ""
    status: int = 200
    received: list[Received] = field(default_factory=list)
    on_request: Callable[[Received], None] | None = None


@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got = Received({k.lower(): v for k, v in self.headers.items()}, body)
            state.received.append(got)
            if state.on_request is not None:
                state.on_request(got)
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/line/webhook/"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver(_receiver_server: Receiver) -> Receiver:
    """The bot's webhook endpoint, emptied and answering 200."""
    _receiver_server.received.clear()
    _receiver_server.status = 200
    _receiver_server.on_request = None
    return _receiver_server


@pytest.fixture(scope="session")
def _running_sandbox(_receiver_server: Receiver) -> Iterator[Sandbox]:
    with Sandbox(
        webhook_url=_receiver_server.url,
        channel_secret=CHANNEL_SECRET,
        access_token=ACCESS_TOKEN,
        bot_user_id=BOT_USER_ID,
        agcod_access_key=AGCOD_ACCESS_KEY,
        agcod_secret_key=AGCOD_SECRET_KEY,
        agcod_partner_id=PARTNER_ID,
        webhook_timeout=2.0,
    ) as running:
        yield running


@pytest.fixture
def sandbox(_running_sandbox: Sandbox, receiver: Receiver) -> Sandbox:
    """One sandbox for the session, reset to a fresh start for every test."""
    _running_sandbox.reset()
    return _running_sandbox


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A session that ignores proxy settings from the environment."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def line(sandbox: Sandbox, http: requests.Session) -> Callable[..., requests.Response]:
    """Call the fake Messaging API as the bot: ``line("POST", path, json=...)``."""

    def call(
        method: str, path: str, *, token: str = ACCESS_TOKEN, **kwargs: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return http.request(
            method, sandbox.line_url + path, headers=headers, timeout=5, **kwargs
        )

    return call
