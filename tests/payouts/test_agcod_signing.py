"""AGCOD requests are signed exactly like the published SigV4 vectors (§2.7)."""

from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from botocore.awsrequest import AWSRequest

from kyufu.payouts.providers.amazon.client import AgcodClient, AgcodError, sign

ENDPOINT = "https://agcod-v2-fe-gamma.amazon.com"


def signature_of(request: AWSRequest) -> tuple[str, str]:
    authorization = request.headers["Authorization"]
    parts = dict(part.strip().split("=", 1) for part in authorization.split(",")[1:])
    return parts["SignedHeaders"], parts["Signature"]


def test_vector_a_signed_without_content_type() -> None:
    body = (
        b'{"creationRequestId":"","partnerId":"Amazon",'
        b'"value":{"currencyCode":"USD","amount":null}}'
    )
    request = AWSRequest(
        method="POST",
        url=f"{ENDPOINT}/CreateGiftCard",
        data=body,
        headers={
            "accept": "application/json",
            "host": "agcod-v2-fe-gamma.amazon.com",
            "x-amz-target": "com.amazonaws.agcod.AGCODService.CreateGiftCard",
        },
    )

    sign(
        request,
        access_key_id="AKID",
        secret_access_key="SECRET",
        region="us-west-2",
        at=datetime(2016, 7, 8, 7, 31, 47, tzinfo=UTC),
    )

    assert request.headers["X-Amz-Date"] == "20160708T073147Z"
    assert request.headers["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKID/20160708/us-west-2/AGCODService/aws4_request"
    )
    assert signature_of(request) == (
        "accept;host;x-amz-date;x-amz-target",
        "a47dd06c1bcff61e8c96fee2c87c4230a4dd5f7d4ffb5b958897027a3acae54b",
    )


def vector_c_client() -> AgcodClient:
    return AgcodClient(
        ENDPOINT,
        "AKIDEXAMPLE",
        "EXAMPLESECRETKEY",
        "Abcde",
        clock=lambda: datetime(2025, 1, 1, tzinfo=UTC),
    )


VECTOR_C_BODY = (
    b'{"creationRequestId":"Abcde0000000001","partnerId":"Abcde",'
    b'"value":{"currencyCode":"JPY","amount":1000}}'
)
VECTOR_C_SIGNATURE = "20e2ee54ee8cb79c8aabef4df0588a8c13c73f0422d7cbf9e2b0c3756d06e058"


def test_vector_c_signed_by_the_client_with_content_type() -> None:
    request = vector_c_client().signed_request("CreateGiftCard", VECTOR_C_BODY)

    assert signature_of(request) == (
        "accept;content-type;host;x-amz-date;x-amz-target",
        VECTOR_C_SIGNATURE,
    )


def test_the_client_sends_exactly_the_bytes_it_signed(monkeypatch: Any) -> None:
    client = vector_c_client()
    sent: dict[str, Any] = {}

    def fake_post(url: str, *, data: bytes, headers: dict[str, str], **_: Any) -> Any:
        sent.update(url=url, data=data, headers=headers)
        raise requests.ConnectionError("reset after sending")

    monkeypatch.setattr(client._session, "post", fake_post)
    with pytest.raises(AgcodError) as raised:
        client.create_gift_card("Abcde0000000001", 1000)

    assert raised.value.outcome_unknown

    assert sent["url"] == f"{ENDPOINT}/CreateGiftCard"
    assert sent["data"] == VECTOR_C_BODY
    assert sent["headers"]["Authorization"].endswith(f"Signature={VECTOR_C_SIGNATURE}")
