"""The webhook trusts only requests signed with the channel secret."""

import json
import uuid

import pytest
from django.urls import reverse

from kyufu.line.models import LineUser, WebhookEvent
from kyufu.line.webhook import signature_is_valid

from .payloads import HANAKO, body_of, sign, text

pytestmark = pytest.mark.django_db


def test_the_official_sdk_test_vector_verifies() -> None:
    signature = "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="
    assert signature_is_valid("channel_secret", b"bodybodybodybody", signature)


def test_the_signature_is_checked_over_the_raw_bytes(post_webhook, engine) -> None:
    # Escaped kana and odd spacing: re-serialising this JSON changes the bytes.
    raw = json.dumps({"destination": "U" + "b" * 32, "events": [text(HANAKO, "あ")]})
    raw = raw.replace("\u3042", "\\u3042").replace(", ", " ,  ")
    body = raw.encode()
    assert json.dumps(json.loads(body)).encode() != body

    response = post_webhook(body)

    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_a_tampered_body_is_rejected_and_nothing_stored(post_webhook) -> None:
    body = body_of(text(HANAKO, "こんにちは"))
    signature = sign(body)
    tampered = body.replace(b"U", b"V", 1)

    response = post_webhook(tampered, signature=signature)

    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0
    assert LineUser.objects.count() == 0


def test_a_request_without_signature_is_rejected(post_webhook) -> None:
    response = post_webhook(body_of(text(HANAKO, "こんにちは")), signature=None)

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_a_body_signed_with_another_secret_is_rejected(post_webhook) -> None:
    body = body_of(text(HANAKO, "こんにちは"))

    response = post_webhook(body, signature=sign(body, "someone-elses-secret"))

    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_an_unknown_webhook_key_is_not_found(client) -> None:
    body = body_of(text(HANAKO, "こんにちは"))
    url = reverse("line:webhook", args=[uuid.uuid4()])

    response = client.post(
        url,
        body,
        content_type="application/json",
        headers={"x-line-signature": sign(body)},
    )

    assert response.status_code == 404
