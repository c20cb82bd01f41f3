"""Odd bytes in one event never cost the other events of the batch.

PostgreSQL refuses NUL and lone UTF-16 surrogates (both legal as JSON escapes)
in text and jsonb; one such character used to fail the whole request with a
500, so every resident's event in it was lost and every redelivery failed.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import timezone

from kyufu.line.models import WebhookEvent

from .payloads import HANAKO, ICHIRO, body_of, event, sign, text

pytestmark = pytest.mark.django_db


def stored_texts() -> dict[str, str]:
    return {
        e.line_user.user_id: e.payload["message"]["text"]
        for e in WebhookEvent.objects.select_related("line_user")
    }


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("山田\u0000花子", "山田花子"),
        ("山田\ud800花子", "山田\ufffd花子"),
        ("\udc00\u0000", "\ufffd"),
    ],
    ids=["nul", "lone-high-surrogate", "lone-low-surrogate-and-nul"],
)
def test_a_nul_or_lone_surrogate_is_cleaned_and_the_batch_kept(
    post_webhook, engine, run_tasks, sent: str, kept: str
) -> None:
    body = body_of(text(ICHIRO, "申請"), text(HANAKO, sent))

    response = post_webhook(body)

    assert response.status_code == 200
    assert stored_texts() == {ICHIRO: "申請", HANAKO: kept}
    run_tasks()  # handling drops the text from the stored payload
    assert sorted(engine.texts()) == sorted(["申請", kept])


def test_keys_and_nested_strings_are_cleaned_too(post_webhook) -> None:
    odd = text(HANAKO, "こんにちは")
    odd["message"]["emojis"] = [{"productId": "\u0000x", "\ud83d": ["\udfff"]}]
    odd["x\u0000y"] = {"z\udc80": "ok"}

    assert post_webhook(body_of(odd)).status_code == 200

    payload = WebhookEvent.objects.get().payload
    assert payload["message"]["emojis"] == [{"productId": "x", "\ufffd": ["\ufffd"]}]
    assert payload["xy"] == {"z\ufffd": "ok"}


def test_a_surrogate_pair_escape_is_a_real_character_and_kept(post_webhook) -> None:
    body = body_of(text(HANAKO, "\U0001f642 山田"))
    assert b"\\ud83d\\ude42" in body  # json.dumps escapes it as a pair

    assert post_webhook(body).status_code == 200

    assert stored_texts() == {HANAKO: "\U0001f642 山田"}


def test_the_signature_is_still_checked_over_the_bytes_received(
    post_webhook,
) -> None:
    body = body_of(text(HANAKO, "山田\u0000花子"))
    cleaned = body.replace(b"\\u0000", b"")

    response = post_webhook(body, signature=sign(cleaned))

    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_an_infinite_number_is_kept_as_it_was_written(post_webhook) -> None:
    # Infinity is not JSON: PostgreSQL's jsonb would refuse it.
    body = body_of(text(HANAKO, "こんにちは")).replace(b'"mode"', b'"n": 1e999, "mode"')

    assert post_webhook(body).status_code == 200

    assert WebhookEvent.objects.get().payload["n"] == "1e999"


def at(timestamp: Any) -> bytes:
    return body_of(text(ICHIRO, "申請"), event("follow", HANAKO, at=timestamp))


@pytest.mark.parametrize(
    "body",
    [
        at(10**20),  # fromtimestamp: year out of range
        at(10**400),  # too large for a float
        at(-1),
        at(1.5e12),
        at("1767225600000"),
        at(True),
        at(None),
        b'{"events": [{"timestamp": ' + b"9" * 5000 + b"}]}",  # digit limit
        b'{"events": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=[
        "year-out-of-range",
        "beyond-float",
        "negative",
        "float",
        "string",
        "bool",
        "null",
        "5000-digits",
        "nested-too-deep",
    ],
)
def test_an_impossible_timestamp_or_body_is_a_clean_400(
    post_webhook, body: bytes
) -> None:
    response = post_webhook(body)

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_the_latest_timestamp_accepted_still_converts_to_local_time(
    post_webhook,
) -> None:
    latest_ms = int(datetime(9000, 1, 1, tzinfo=UTC).timestamp()) * 1000

    assert post_webhook(at(latest_ms + 1)).status_code == 400
    assert post_webhook(at(latest_ms)).status_code == 200

    latest = WebhookEvent.objects.filter(event_type="follow").get().occurred_at
    assert latest == datetime(9000, 1, 1, tzinfo=UTC)
    assert timezone.localtime(latest).year == 9000
