"""A whole Kyufu on loopback: live web server, worker thread, LINE and Amazon fakes."""

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCESS_TOKEN, BOT_USER_ID, CHANNEL_SECRET

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


class WorkerThread:
    """The real db_worker loop, in a thread, stopped after the current task."""

    def __init__(self) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(
            queue_names=["*"],
            interval=0.05,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="e2e",
            excluded_queue_names=[],
        )
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        try:
            self.worker.run()
        finally:
            connection.close()

    def __enter__(self) -> "WorkerThread":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.running = False
        self.thread.join(timeout=30)


@pytest.fixture
def whole_kyufu(
    transactional_db: None, live_server: Any, settings: Any, channel: Any
) -> Iterator[dict[str, Any]]:
    from kyufu.sandbox.server import Sandbox

    webhook_url = f"{live_server.url}/line/webhook/{channel.webhook_key}/"
    with Sandbox(
        webhook_url=webhook_url,
        channel_secret=CHANNEL_SECRET,
        access_token=ACCESS_TOKEN,
        bot_user_id=BOT_USER_ID,
        agcod_access_key="AKIDE2ETEST",
        agcod_secret_key="e2e-secret",
        agcod_partner_id="Kyufu",
    ) as sandbox:
        settings.LINE_API_BASE_URL = sandbox.line_url
        settings.LINE_DATA_API_BASE_URL = sandbox.line_url
        settings.AGCOD_ENDPOINT = sandbox.agcod_url
        settings.AGCOD_ACCESS_KEY_ID = "AKIDE2ETEST"
        settings.AGCOD_SECRET_ACCESS_KEY = "e2e-secret"
        settings.AGCOD_PARTNER_ID = "Kyufu"
        with WorkerThread():
            yield {"sandbox": sandbox, "live_server": live_server}


@pytest.fixture
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have Debian's chromium (scripts/dev installs it)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield b
        finally:
            b.close()


def screenshot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


__all__ = ["screenshot", "shutil"]
