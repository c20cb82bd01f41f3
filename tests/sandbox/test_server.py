"""Running the sandbox: the Sandbox object, environment defaults, the CLI."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kyufu.sandbox import Sandbox, settings_from_env
from kyufu.sandbox.server import DEFAULT_BOT_USER_ID

ROOT = Path(__file__).resolve().parents[2]


def test_environment_defaults_match_the_demo():
    settings = settings_from_env({})

    assert settings == {
        "host": "127.0.0.1",
        "line_port": 8001,
        "agcod_port": 8002,
        "webhook_url": (
            "http://127.0.0.1:8000/line/webhook/00000000-0000-4000-8000-000000000001/"
        ),
        "channel_secret": "demo-channel-secret",
        "access_token": "demo-access-token",
        "bot_user_id": DEFAULT_BOT_USER_ID,
        "account_name": "デモ市 公式アカウント",
        "agcod_access_key": "AKIDEXAMPLEKYUFU",
        "agcod_secret_key": "kyufu-demo-secret-key",
        "agcod_partner_id": "Kyufu",
        "agcod_region": "us-west-2",
    }
    assert len(DEFAULT_BOT_USER_ID) == 33


def test_environment_overrides_defaults():
    settings = settings_from_env(
        {"KYUFU_SANDBOX_LINE_PORT": "9101", "AGCOD_PARTNER_ID": "Kamom"}
    )

    assert settings["line_port"] == 9101
    assert settings["agcod_partner_id"] == "Kamom"


def test_the_sandbox_runs_as_a_context_manager(http):
    with Sandbox.from_env({}, line_port=0, agcod_port=0) as sandbox:
        line_url, agcod_url = sandbox.line_url, sandbox.agcod_url
        assert http.get(sandbox.chat_url, timeout=5).status_code == 200
        assert line_url.startswith("http://127.0.0.1:")
        assert agcod_url != line_url

    with pytest.raises(RuntimeError):
        _ = sandbox.line_url


def test_the_command_line_prints_the_chat_page_url(http):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kyufu.sandbox",
            "--line-port",
            "0",
            "--agcod-port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = first_line.rsplit(" ", 1)[-1].strip()
        page = http.get(url, timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=5)

    assert first_line.startswith("LINE sandbox chat page: http://127.0.0.1:")
    assert page.status_code == 200
    assert process.returncode == 0
