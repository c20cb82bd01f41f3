"""Secrets are stored encrypted and rotate with a new key in front."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from kyufu.core import crypto
from kyufu.line.models import LineChannel


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_channel_secret_and_token_are_not_stored_in_plaintext(
    channel: LineChannel,
) -> None:
    stored = raw_column("line_linechannel", "channel_secret", channel.pk)
    assert "test-channel-secret" not in stored
    assert "test-access-token" not in raw_column(
        "line_linechannel", "access_token", channel.pk
    )
    assert (
        LineChannel.objects.get(pk=channel.pk).channel_secret == "test-channel-secret"
    )


def test_a_new_key_in_front_still_reads_old_values(
    channel: LineChannel, settings
) -> None:  # type: ignore[no-untyped-def]
    old_keys = list(settings.ENCRYPTION_KEYS)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    assert LineChannel.objects.get(pk=channel.pk).access_token == "test-access-token"


def test_a_missing_key_is_a_clear_error(channel: LineChannel, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        LineChannel.objects.get(pk=channel.pk)
