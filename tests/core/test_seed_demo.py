"""The demo seed is idempotent and agrees with the sandbox without configuration."""

import pytest
from django.core.management import call_command

from kyufu.eligibility.models import EligiblePerson
from kyufu.line.models import LineChannel
from kyufu.programmes.models import Programme
from kyufu.sandbox.server import settings_from_env


@pytest.mark.django_db
def test_seeding_twice_creates_one_of_everything() -> None:
    call_command("seed_demo")
    call_command("seed_demo")

    assert Programme.objects.count() == 1
    assert LineChannel.objects.count() == 1
    assert EligiblePerson.objects.count() == 8


@pytest.mark.django_db
def test_sandbox_and_seed_share_secret_and_webhook_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    key = "11111111-1111-4111-8111-111111111111"
    monkeypatch.setenv("KYUFU_DEMO_WEBHOOK_KEY", key)
    call_command("seed_demo")
    call_command("seed_demo")

    channel = LineChannel.objects.get()
    sandbox = settings_from_env({"KYUFU_DEMO_WEBHOOK_KEY": key})
    assert sandbox["webhook_url"].endswith(f"/line/webhook/{channel.webhook_key}/")
    assert sandbox["channel_secret"] == channel.channel_secret
    assert sandbox["access_token"] == channel.access_token
    assert sandbox["bot_user_id"] == channel.bot_user_id
