"""Identifier generators shaped like LINE's: ULIDs, reply tokens, message ids."""

import secrets
import threading
import time
import uuid

CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

_ulid_lock = threading.Lock()
_ulid_last_ms = -1
_ulid_last_random = 0


def _encode_crockford(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(CROCKFORD32[digit])
    return "".join(reversed(chars))


def new_ulid(now_ms: int | None = None) -> str:
    """Return a 26-character ULID, monotonic within one process.

    48 bits of milliseconds then 80 random bits; two ULIDs made in the same
    millisecond differ by an incremented random part, so they still sort in
    creation order (the ULID spec's monotonic variant). An explicit
    ``now_ms`` gives a plain ULID for that moment.
    """
    global _ulid_last_ms, _ulid_last_random
    if now_ms is not None:
        return _encode_crockford(now_ms, 10) + _encode_crockford(
            secrets.randbits(80), 16
        )
    ms = int(time.time() * 1000)
    with _ulid_lock:
        if ms <= _ulid_last_ms:
            ms = _ulid_last_ms
            random_part = (_ulid_last_random + 1) % (1 << 80)
        else:
            random_part = secrets.randbits(80)
        _ulid_last_ms, _ulid_last_random = ms, random_part
    return _encode_crockford(ms, 10) + _encode_crockford(random_part, 16)


def new_reply_token() -> str:
    """Return a reply token: 32 lower-case hex characters."""
    return secrets.token_hex(16)


def new_user_id() -> str:
    """Return a LINE user id: ``U`` followed by 32 hex characters."""
    return "U" + secrets.token_hex(16)


def new_message_id() -> str:
    """Return a message id: 18 decimal digits, like LINE's."""
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def new_quote_token() -> str:
    """Return an opaque quote token."""
    return secrets.token_urlsafe(48)


def new_request_id() -> str:
    """Return a value for the ``x-line-request-id`` header."""
    return str(uuid.uuid4())


def is_uuid(value: str) -> bool:
    """Tell whether ``value`` is a UUID in its hyphenated hex form."""
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return str(parsed) == value.lower()
