"""The whole sandbox: fake LINE (API + chat page) and fake AGCOD, two servers.

``Sandbox`` runs both on background threads, for tests and for the demo::

    with Sandbox(webhook_url=url) as sandbox:
        sandbox.line.follow(user_id)
        sandbox.line.wait_for_messages(user_id)

The environment variables below give the demo, the Django settings and
``python -m kyufu.sandbox`` one shared set of defaults.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

from kyufu.sandbox.agcod import AgcodFake
from kyufu.sandbox.httpbase import AppServer
from kyufu.sandbox.line import DEFAULT_ACCOUNT_NAME, LineSandbox

logger = logging.getLogger(__name__)

DEFAULT_BOT_USER_ID = "U6b797566750000000000000000000001"
# Demo credentials: public on purpose, accepted only by the fakes.
DEMO_CHANNEL_SECRET = "demo-channel-secret"  # noqa: S105
DEMO_ACCESS_TOKEN = "demo-access-token"  # noqa: S105
DEMO_AGCOD_ACCESS_KEY = "AKIDEXAMPLEKYUFU"
DEMO_AGCOD_SECRET_KEY = "kyufu-demo-secret-key"  # noqa: S105
DEMO_AGCOD_PARTNER_ID = "Kyufu"
DEMO_WEBHOOK_KEY = "00000000-0000-4000-8000-000000000001"
DEFAULT_WEBHOOK_URL = f"http://127.0.0.1:8000/line/webhook/{DEMO_WEBHOOK_KEY}/"
DEMO_ACCOUNT_NAME = "デモ市 公式アカウント"

# Environment variable -> (Sandbox keyword, default).
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "KYUFU_SANDBOX_HOST": ("host", "127.0.0.1"),
    "KYUFU_SANDBOX_LINE_PORT": ("line_port", "8001"),
    "KYUFU_SANDBOX_AGCOD_PORT": ("agcod_port", "8002"),
    "KYUFU_SANDBOX_WEBHOOK_URL": ("webhook_url", DEFAULT_WEBHOOK_URL),
    "KYUFU_DEMO_LINE_CHANNEL_SECRET": ("channel_secret", DEMO_CHANNEL_SECRET),
    "KYUFU_DEMO_LINE_ACCESS_TOKEN": ("access_token", DEMO_ACCESS_TOKEN),
    "KYUFU_DEMO_LINE_BOT_USER_ID": ("bot_user_id", DEFAULT_BOT_USER_ID),
    "KYUFU_DEMO_ACCOUNT_NAME": ("account_name", DEMO_ACCOUNT_NAME),
    "AGCOD_ACCESS_KEY_ID": ("agcod_access_key", DEMO_AGCOD_ACCESS_KEY),
    "AGCOD_SECRET_ACCESS_KEY": ("agcod_secret_key", DEMO_AGCOD_SECRET_KEY),
    "AGCOD_PARTNER_ID": ("agcod_partner_id", DEMO_AGCOD_PARTNER_ID),
    "AGCOD_REGION": ("agcod_region", "us-west-2"),
}
_INTEGER_SETTINGS = frozenset({"line_port", "agcod_port"})


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Sandbox keyword arguments from the environment, defaults filled in."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for variable, (keyword, default) in ENVIRONMENT.items():
        value = environ.get(variable) or default
        settings[keyword] = int(value) if keyword in _INTEGER_SETTINGS else value
    if not environ.get("KYUFU_SANDBOX_WEBHOOK_URL"):
        # Follow the demo channel's webhook key, as seed_demo does.
        key = environ.get("KYUFU_DEMO_WEBHOOK_KEY") or DEMO_WEBHOOK_KEY
        settings["webhook_url"] = f"http://127.0.0.1:8000/line/webhook/{key}/"
    return settings


class Sandbox:
    """Both fakes, each on its own HTTP server (AGCOD is its own host)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        line_port: int = 0,
        agcod_port: int = 0,
        webhook_url: str = DEFAULT_WEBHOOK_URL,
        channel_secret: str = DEMO_CHANNEL_SECRET,
        access_token: str = DEMO_ACCESS_TOKEN,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        agcod_access_key: str = DEMO_AGCOD_ACCESS_KEY,
        agcod_secret_key: str = DEMO_AGCOD_SECRET_KEY,
        agcod_partner_id: str = DEMO_AGCOD_PARTNER_ID,
        agcod_region: str = "us-west-2",
        account_name: str = DEFAULT_ACCOUNT_NAME,
        reply_token_ttl: float = 60.0,
        webhook_timeout: float = 10.0,
        line_rate_limits: dict[str, float] | None = None,
        monthly_quota: int | None = None,
        agcod_tps: float | None = None,
        agcod_funds: int = 10_000_000,
        agcod_max_amount: int = 500_000,
        agcod_delay_seconds: float = 7.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host = host
        self.line_port = line_port
        self.agcod_port = agcod_port
        self.line = LineSandbox(
            webhook_url=webhook_url,
            channel_secret=channel_secret,
            access_token=access_token,
            bot_user_id=bot_user_id,
            account_name=account_name,
            reply_token_ttl=reply_token_ttl,
            monthly_quota=monthly_quota,
            rate_limits=line_rate_limits,
            webhook_timeout=webhook_timeout,
            clock=clock,
        )
        self.agcod = AgcodFake(
            access_key=agcod_access_key,
            secret_key=agcod_secret_key,
            partner_id=agcod_partner_id,
            region=agcod_region,
            available_funds=agcod_funds,
            max_card_amount=agcod_max_amount,
            tps=agcod_tps,
            delay_seconds=agcod_delay_seconds,
            clock=clock,
        )
        self._line_server: AppServer | None = None
        self._agcod_server: AppServer | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> "Sandbox":
        """A sandbox configured from the ``KYUFU_*``/``AGCOD_*`` variables."""
        return cls(**{**settings_from_env(environ), **overrides})

    def reset(self) -> None:
        """Back to a fresh start without restarting the servers (fast fixtures)."""
        self.line.reset()
        self.agcod.reset()

    def start(self) -> Self:
        """Bind both servers and serve them on background threads."""
        self._line_server = AppServer(self.host, self.line_port, self.line.app, "line")
        try:
            self._agcod_server = AppServer(
                self.host, self.agcod_port, self.agcod.app, "agcod"
            )
        except OSError:
            self._line_server.server_close()
            self._line_server = None
            raise
        self._line_server.start()
        self._agcod_server.start()
        logger.info(
            "sandbox serving LINE at %s, AGCOD at %s", self.line_url, self.agcod_url
        )
        return self

    def stop(self) -> None:
        """Stop both servers; delayed answers still pending are dropped."""
        stopping = [
            threading.Thread(target=server.stop)
            for server in (self._line_server, self._agcod_server)
            if server is not None
        ]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
        self._line_server = self._agcod_server = None

    @property
    def line_url(self) -> str:
        """Base URL of the fake Messaging API (also serves the chat page)."""
        return self._running(self._line_server).url

    @property
    def agcod_url(self) -> str:
        """Base URL of the fake Amazon Incentives API."""
        return self._running(self._agcod_server).url

    @property
    def chat_url(self) -> str:
        """The phone-like chat page."""
        return self.line_url + "/"

    @staticmethod
    def _running(server: AppServer | None) -> AppServer:
        if server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return server

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
