"""The fake Amazon Incentives API, called like the product's botocore client."""

import json
from datetime import UTC, datetime
from email.message import Message

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kyufu.sandbox.agcod import AgcodError, AgcodFake
from kyufu.sandbox.sigv4 import SignatureError, verify_request
from tests.sandbox.conftest import AGCOD_ACCESS_KEY, AGCOD_SECRET_KEY, PARTNER_ID

TARGET = "com.amazonaws.agcod.AGCODService."


def signed_call(
    sandbox,
    http,
    operation,
    payload,
    *,
    secret=AGCOD_SECRET_KEY,
    access_key=AGCOD_ACCESS_KEY,
    region="us-west-2",
    service="AGCODService",
    sent_body=None,
    timeout=5.0,
):
    """Sign with botocore's SigV4Auth and send the exact bytes with requests."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    url = f"{sandbox.agcod_url}/{operation}"
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "accept": "application/json",
            "content-type": "application/json",
            "x-amz-target": TARGET + operation,
        },
    )
    SigV4Auth(Credentials(access_key, secret), service, region).add_auth(request)
    return http.post(
        url,
        data=body if sent_body is None else sent_body,
        headers=dict(request.headers.items()),
        timeout=timeout,
    )


def create(sandbox, http, request_id, amount=1000, **kwargs):
    payload = {
        "creationRequestId": request_id,
        "partnerId": PARTNER_ID,
        "value": {"currencyCode": "JPY", "amount": amount},
    }
    return signed_call(sandbox, http, "CreateGiftCard", payload, **kwargs)


def headers(values):
    message = Message()
    for name, value in values.items():
        message[name] = value
    return message


# Signature verification ---------------------------------------------------------

VECTOR_C_BODY = (
    b'{"creationRequestId":"Abcde0000000001","partnerId":"Abcde",'
    b'"value":{"currencyCode":"JPY","amount":1000}}'
)
VECTOR_C_SIGNATURE = "20e2ee54ee8cb79c8aabef4df0588a8c13c73f0422d7cbf9e2b0c3756d06e058"
VECTOR_A_BODY = (
    b'{"creationRequestId":"","partnerId":"Amazon",'
    b'"value":{"currencyCode":"USD","amount":null}}'
)
VECTOR_A_SIGNATURE = "a47dd06c1bcff61e8c96fee2c87c4230a4dd5f7d4ffb5b958897027a3acae54b"


def vector_c(body=VECTOR_C_BODY, signature=VECTOR_C_SIGNATURE, now_minute=5):
    received = headers(
        {
            "accept": "application/json",
            "content-type": "application/json",
            "host": "agcod-v2-fe-gamma.amazon.com",
            "x-amz-date": "20250101T000000Z",
            "x-amz-target": TARGET + "CreateGiftCard",
            "Authorization": (
                "AWS4-HMAC-SHA256 "
                "Credential=AKIDEXAMPLE/20250101/us-west-2/AGCODService/aws4_request, "
                "SignedHeaders=accept;content-type;host;x-amz-date;x-amz-target, "
                f"Signature={signature}"
            ),
        }
    )
    return verify_request(
        method="POST",
        path="/CreateGiftCard",
        query="",
        headers=received,
        body=body,
        secret_keys={"AKIDEXAMPLE": "EXAMPLESECRETKEY"},
        region="us-west-2",
        service="AGCODService",
        now=datetime(2025, 1, 1, 0, now_minute, tzinfo=UTC),
    )


def test_vector_c_verifies():
    assert vector_c().signature == VECTOR_C_SIGNATURE


def test_published_vector_a_verifies():
    received = headers(
        {
            "accept": "application/json",
            "host": "agcod-v2-fe-gamma.amazon.com",
            "x-amz-date": "20160708T073147Z",
            "x-amz-target": TARGET + "CreateGiftCard",
            "Authorization": (
                "AWS4-HMAC-SHA256 "
                "Credential=AKID/20160708/us-west-2/AGCODService/aws4_request, "
                "SignedHeaders=accept;host;x-amz-date;x-amz-target, "
                f"Signature={VECTOR_A_SIGNATURE}"
            ),
        }
    )

    auth = verify_request(
        method="POST",
        path="/CreateGiftCard",
        query="",
        headers=received,
        body=VECTOR_A_BODY,
        secret_keys={"AKID": "SECRET"},
        region="us-west-2",
        service="AGCODService",
        now=datetime(2016, 7, 8, 7, 35, tzinfo=UTC),
    )

    assert auth.access_key == "AKID"


def test_a_tampered_vector_body_does_not_match():
    tampered = VECTOR_C_BODY.replace(b"1000", b"9000")

    with pytest.raises(SignatureError) as caught:
        vector_c(body=tampered)

    assert caught.value.code == "F200"
    assert caught.value.error_type == "SignatureDoesNotMatch"
    assert caught.value.message.startswith(
        "The request signature we calculated does not match"
    )


def test_a_signature_older_than_15_minutes_is_refused():
    with pytest.raises(SignatureError) as caught:
        vector_c(now_minute=16)

    assert caught.value.error_type == "SignatureExpired"


# Over HTTP -------------------------------------------------------------------------


def test_create_answers_like_the_jp_sandbox(sandbox, http):
    response = create(sandbox, http, f"{PARTNER_ID}Payout0001", 1000)

    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "cardInfo",
        "creationRequestId",
        "gcClaimCode",
        "gcExpirationDate",
        "gcId",
        "status",
    ]
    assert body["cardInfo"] == {
        "cardNumber": None,
        "cardStatus": "Fulfilled",
        "expirationDate": None,
        "value": {"amount": 1000.0, "currencyCode": "JPY"},
    }
    assert '"amount":1000.0' in response.text
    assert body["status"] == "SUCCESS"
    assert len(body["gcId"]) == 16 and body["gcId"].isdigit()
    code = body["gcClaimCode"]
    assert [len(part) for part in code.split("-")] == [4, 6, 4]
    expiry = datetime.strptime(body["gcExpirationDate"], "%a %b %d %H:%M:%S UTC %Y")
    assert expiry.year - datetime.now(UTC).year == 10
    assert expiry.strftime("%H:%M:%S") == "14:59:59"
    assert sandbox.agcod.available_funds == 10_000_000 - 1000


def test_create_is_idempotent_per_creation_request_id(sandbox, http):
    first = create(sandbox, http, f"{PARTNER_ID}Payout0002", 5000)
    again = create(sandbox, http, f"{PARTNER_ID}Payout0002", 5000)
    changed = create(sandbox, http, f"{PARTNER_ID}Payout0002", 6000)

    assert again.json() == first.json()
    assert changed.status_code == 400
    assert changed.json()["errorCode"] == "F200"
    assert sandbox.agcod.issued_count(f"{PARTNER_ID}Payout0002") == 1
    assert sandbox.agcod.available_funds == 10_000_000 - 5000


def test_a_wrong_secret_gets_the_f200_signature_error(sandbox, http):
    response = create(sandbox, http, f"{PARTNER_ID}Payout0003", secret="guessed")

    assert response.status_code == 403
    body = response.json()
    assert body["errorCode"] == "F200"
    assert body["errorType"] == "SignatureDoesNotMatch"
    assert body["message"].startswith("The request signature we calculated")
    assert body["agcodResponse"]["status"] == "FAILURE"
    assert body["agcodResponse"]["__type"].startswith("CreateGiftCardResponse:")
    assert sandbox.agcod.issued == []


def test_a_body_changed_after_signing_is_refused(sandbox, http):
    tampered = json.dumps(
        {
            "creationRequestId": f"{PARTNER_ID}Payout0004",
            "partnerId": PARTNER_ID,
            "value": {"currencyCode": "JPY", "amount": 100000},
        },
        separators=(",", ":"),
    ).encode()

    response = create(
        sandbox, http, f"{PARTNER_ID}Payout0004", 1000, sent_body=tampered
    )

    assert response.json()["errorType"] == "SignatureDoesNotMatch"
    assert sandbox.agcod.issued == []


@pytest.mark.parametrize(
    ("kwargs", "error_type"),
    [
        ({"region": "us-east-1"}, "InvalidSignature"),
        ({"service": "execute-api"}, "InvalidSignature"),
        ({"access_key": "AKIDUNKNOWN"}, "InvalidAwsAccessKeyId"),
    ],
)
def test_wrong_scope_or_key_is_refused(sandbox, http, kwargs, error_type):
    response = create(sandbox, http, f"{PARTNER_ID}Payout0005", **kwargs)

    assert response.status_code == 403
    assert response.json()["errorType"] == error_type


def test_an_unsigned_request_is_refused(sandbox, http):
    response = http.post(f"{sandbox.agcod_url}/GetAvailableFunds", json={}, timeout=5)

    assert response.status_code == 403
    assert response.json()["errorCode"] == "F200"


@pytest.mark.parametrize(
    ("request_id", "amount", "error_type"),
    [
        (f"{PARTNER_ID}Frac", 1000.5, "FractionalAmountNotAllowed"),
        (f"{PARTNER_ID}Zero", 0, "InvalidAmountValue"),
        (f"{PARTNER_ID}Neg", -100, "InvalidAmountValue"),
        (f"{PARTNER_ID}Max", 500_001, "MaxAmountExceeded"),
        (f"{PARTNER_ID}Null", None, "InvalidAmountInput"),
        ("OtherPayout1", 1000, "RequestIdMustStartWithPartnerName"),
        (f"{PARTNER_ID}" + "x" * 36, 1000, "RequestIdTooLong"),
        (f"{PARTNER_ID}_under_score", 1000, "InvalidRequestIdInput"),
    ],
)
def test_invalid_creates_are_refused(sandbox, http, request_id, amount, error_type):
    response = create(sandbox, http, request_id, amount)

    assert response.status_code == 400
    assert response.json()["errorCode"] == "F200"
    assert response.json()["errorType"] == error_type
    assert sandbox.agcod.issued == []


def test_whole_yen_floats_are_accepted(sandbox, http):
    assert create(sandbox, http, f"{PARTNER_ID}Float", 1000.0).status_code == 200


def test_partner_id_must_be_well_formed_and_ours(sandbox, http):
    for partner in ("kamom", "Other"):
        payload = {"partnerId": partner}
        response = signed_call(sandbox, http, "GetAvailableFunds", payload)
        assert response.json()["errorType"] == "InvalidPartnerIdInput"


def test_the_target_header_must_name_the_operation(sandbox, http):
    body = json.dumps({"partnerId": PARTNER_ID}).encode()
    url = f"{sandbox.agcod_url}/GetAvailableFunds"
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"x-amz-target": TARGET + "CreateGiftCard"},
    )
    SigV4Auth(
        Credentials(AGCOD_ACCESS_KEY, AGCOD_SECRET_KEY), "AGCODService", "us-west-2"
    ).add_auth(request)

    response = http.post(url, data=body, headers=dict(request.headers), timeout=5)

    assert response.status_code == 400
    assert response.json()["errorType"] == "InvalidRequestInput"


def test_funds_run_out(sandbox, http):
    sandbox.agcod.available_funds = 1500

    ok = create(sandbox, http, f"{PARTNER_ID}Funds1", 1000)
    short = create(sandbox, http, f"{PARTNER_ID}Funds2", 1000)
    funds = signed_call(sandbox, http, "GetAvailableFunds", {"partnerId": PARTNER_ID})

    assert ok.status_code == 200
    assert short.json()["errorCode"] == "F300"
    assert short.json()["errorType"] == "InsufficientFunds"
    assert funds.json()["availableFunds"] == {"amount": 500.0, "currencyCode": "JPY"}
    assert funds.json()["status"] == "SUCCESS"


def test_cancel_within_15_minutes_refunds(sandbox, http):
    card = create(sandbox, http, f"{PARTNER_ID}Cancel1", 3000).json()
    payload = {
        "creationRequestId": f"{PARTNER_ID}Cancel1",
        "partnerId": PARTNER_ID,
        "gcId": card["gcId"],
    }

    cancelled = signed_call(sandbox, http, "CancelGiftCard", payload)
    replay = create(sandbox, http, f"{PARTNER_ID}Cancel1", 3000)

    assert cancelled.json() == {
        "creationRequestId": f"{PARTNER_ID}Cancel1",
        "gcId": card["gcId"],
        "status": "SUCCESS",
    }
    assert replay.json()["cardInfo"]["cardStatus"] == "RefundedToPurchaser"
    assert replay.json()["gcClaimCode"] == card["gcClaimCode"]
    assert sandbox.agcod.available_funds == 10_000_000


def test_cancel_after_15_minutes_is_refused():
    now = [1_750_000_000.0]
    fake = AgcodFake(
        access_key="AK", secret_key="SK", partner_id="Abcde", clock=lambda: now[0]
    )
    card = fake._create(
        {
            "creationRequestId": "Abcde1",
            "partnerId": "Abcde",
            "value": {"currencyCode": "JPY", "amount": 1000},
        }
    )
    now[0] += 15 * 60 + 1

    with pytest.raises(AgcodError) as caught:
        fake._cancel(
            {"creationRequestId": "Abcde1", "partnerId": "Abcde", "gcId": card["gcId"]}
        )

    assert caught.value.error_type == "CancelRequestArrivedAfterTimeLimit"


@pytest.mark.parametrize(
    ("mock_id", "http_status", "code", "error_type", "status"),
    [
        ("F1000", 500, "F100", "GeneralError", "FAILURE"),
        ("F2003", 400, "F200", "InvalidAmountInput", "FAILURE"),
        ("F2017", 400, "F200", "FractionalAmountNotAllowed", "FAILURE"),
        ("F3003", 400, "F300", "InsufficientFunds", "FAILURE"),
        ("F4000", 500, "F400", "SystemTemporarilyUnavailable", "RESEND"),
        ("F5000", 500, "F500", "GeneralError", "FAILURE"),
    ],
)
def test_sandbox_mock_ids(
    sandbox, http, mock_id, http_status, code, error_type, status
):
    response = create(sandbox, http, mock_id)

    assert response.status_code == http_status
    body = response.json()
    assert (body["errorCode"], body["errorType"]) == (code, error_type)
    assert body["agcodResponse"]["status"] == status
    assert body["agcodResponse"]["gcClaimCode"] is None


def test_the_success_mock_id(sandbox, http):
    body = create(sandbox, http, "F0000", 500).json()

    assert body["gcClaimCode"] == "ZYXW-VUTS-RQPO"
    assert body["gcId"] == "ABC123ZYX987"
    assert body["cardInfo"]["value"] == {"amount": 500.0, "currencyCode": "JPY"}
    assert sandbox.agcod.issued == []


def test_throttling_above_the_rate(sandbox, http):
    sandbox.agcod.set_tps(2)

    statuses = [
        create(sandbox, http, f"{PARTNER_ID}Tps{i}").status_code for i in range(5)
    ]
    throttled = create(sandbox, http, f"{PARTNER_ID}TpsX")

    assert 400 in statuses
    assert throttled.json() == {"message": "Rate exceeded"}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("resend", ("F400", "RESEND")),
        ("error500", ("F500", "FAILURE")),
    ],
)
def test_injected_failures_create_nothing(sandbox, http, mode, expected):
    sandbox.agcod.fail_next(1, mode)

    failed = create(sandbox, http, f"{PARTNER_ID}Fault1")
    retried = create(sandbox, http, f"{PARTNER_ID}Fault1")

    body = failed.json()
    assert (body["errorCode"], body["agcodResponse"]["status"]) == expected
    assert retried.status_code == 200
    assert sandbox.agcod.issued_count(f"{PARTNER_ID}Fault1") == 1


def test_injected_throttle(sandbox, http):
    sandbox.agcod.fail_next(1, "throttle")

    assert create(sandbox, http, f"{PARTNER_ID}Thr1").json() == {
        "message": "Rate exceeded"
    }
    assert sandbox.agcod.issued == []


def test_timed_out_but_issued_then_retried_with_the_same_id(sandbox, http):
    sandbox.agcod.fail_next(1, "delay", delay=0.4)

    with pytest.raises(requests.Timeout):
        create(sandbox, http, f"{PARTNER_ID}Slow1", timeout=0.1)
    retried = create(sandbox, http, f"{PARTNER_ID}Slow1")

    assert retried.status_code == 200
    assert sandbox.agcod.issued_count(f"{PARTNER_ID}Slow1") == 1
    assert sandbox.agcod.create_requests == [f"{PARTNER_ID}Slow1"] * 2
    (card,) = sandbox.agcod.issued
    assert retried.json()["gcClaimCode"] == card.claim_code
    assert card.claim_code not in repr(card)
