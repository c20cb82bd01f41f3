"""A small client for the Amazon Incentives API (AGCOD), signed with SigV4.

Only CreateGiftCard and GetAvailableFunds are needed. Every failure leaves
this module as an AgcodError whose flags tell the caller what to do next;
exceptions of the HTTP library never leak.
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings

from kyufu.payouts.providers.base import ProviderError

logger = logging.getLogger(__name__)

SERVICE = "AGCODService"
TARGET_PREFIX = "com.amazonaws.agcod.AGCODService."
CURRENCY = "JPY"
# F400 and throttling ask for a resend; F100/F500 are Amazon-side faults whose
# effect is not known, so the same request id is retried later, not now. Only
# an answer with an Amazon error code (F200, F300 ...) is a refusal for good:
# a broken or unreadable answer, even a 200, leaves the outcome unknown.
_TRANSIENT_CODES = {"F400"}
_UNKNOWN_LATER_CODES = {"F100", "F500"}
_JAVA_DATE = "%a %b %d %H:%M:%S %Y"


class AgcodError(ProviderError):
    """Any failure talking to AGCOD.

    permanent: retrying the same request now will not help.
    outcome_unknown: the card may have been created; settle it by retrying
    the same creationRequestId, never by creating a new one.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        error_type: str | None = None,
        permanent: bool,
        outcome_unknown: bool,
    ) -> None:
        super().__init__(message, permanent=permanent, outcome_unknown=outcome_unknown)
        self.code = code
        self.error_type = error_type


@dataclass(frozen=True)
class GiftCard:
    claim_code: str
    gc_id: str
    expires_at: datetime | None
    amount: int
    status: str

    def __repr__(self) -> str:
        # The claim code is money; keep it out of tracebacks and logs.
        return f"GiftCard(gc_id={self.gc_id!r}, amount={self.amount}, ...)"


class _ClockedSigV4Auth(SigV4Auth):
    """botocore's SigV4 with the signing time given instead of read."""

    def __init__(self, credentials: Credentials, region: str, at: datetime) -> None:
        super().__init__(credentials, SERVICE, region)
        self._at = at

    def add_auth(self, request: AWSRequest) -> None:
        request.context["timestamp"] = self._at.strftime(SIGV4_TIMESTAMP)
        self._modify_request_before_signing(request)
        canonical_request = self.canonical_request(request)
        string_to_sign = self.string_to_sign(request, canonical_request)
        signature = self.signature(string_to_sign, request)
        self._inject_signature_to_request(request, signature)


def sign(
    request: AWSRequest,
    *,
    access_key_id: str,
    secret_access_key: str,
    region: str,
    at: datetime,
) -> None:
    """Add x-amz-date and Authorization to the request, signing its headers."""
    credentials = Credentials(access_key_id, secret_access_key)
    _ClockedSigV4Auth(credentials, region, at.astimezone(UTC)).add_auth(request)


def parse_java_date(value: str | None) -> datetime | None:
    """Parse Java's Date.toString(), e.g. "Thu Jun 10 14:59:59 UTC 2032"."""
    if not value:
        return None
    parts = value.split()
    if len(parts) != 6 or parts[4] not in {"UTC", "GMT"}:
        logger.warning("unexpected AGCOD expiry format %s", value)
        return None
    text = " ".join(parts[:4] + parts[5:])
    return datetime.strptime(text, _JAVA_DATE).replace(tzinfo=UTC)


def _yen(value: Any) -> int:
    # AGCOD answers amounts as floats ("1000.0"); yen have no fraction.
    return round(float(value))


class AgcodClient:
    """Signed JSON calls to one AGCOD endpoint for one partner account."""

    def __init__(
        self,
        endpoint: str,
        access_key_id: str,
        secret_access_key: str,
        partner_id: str,
        region: str = "us-west-2",
        timeout: float = 6.0,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.partner_id = partner_id
        self.region = region
        self.timeout = timeout
        self._clock = clock or (lambda: datetime.now(UTC))
        self._session = requests.Session()

    @classmethod
    def from_settings(cls) -> "AgcodClient":
        return cls(
            settings.AGCOD_ENDPOINT,
            settings.AGCOD_ACCESS_KEY_ID,
            settings.AGCOD_SECRET_ACCESS_KEY,
            settings.AGCOD_PARTNER_ID,
            region=settings.AGCOD_REGION,
            timeout=settings.AGCOD_TIMEOUT,
        )

    def create_gift_card(
        self,
        creation_request_id: str,
        amount_yen: int,
        *,
        external_reference: str | None = None,
    ) -> GiftCard:
        payload: dict[str, Any] = {
            "creationRequestId": creation_request_id,
            "partnerId": self.partner_id,
            "value": {"currencyCode": CURRENCY, "amount": amount_yen},
        }
        if external_reference:
            payload["externalReference"] = external_reference
        body = self._call("CreateGiftCard", payload)
        return _gift_card(body, amount_yen)

    def get_available_funds(self) -> int:
        body = self._call("GetAvailableFunds", {"partnerId": self.partner_id})
        try:
            return _yen(body["availableFunds"]["amount"])
        except (KeyError, TypeError, ValueError) as exc:
            raise _unreadable("GetAvailableFunds answer") from exc

    def signed_request(self, operation: str, body: bytes) -> AWSRequest:
        """The request exactly as it goes on the wire, signed now."""
        url = f"{self.endpoint}/{operation}"
        headers = {
            "accept": "application/json",
            "content-type": "application/json",
            "host": urlsplit(url).netloc,
            "x-amz-target": TARGET_PREFIX + operation,
        }
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        sign(
            request,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region=self.region,
            at=self._clock(),
        )
        return request

    def _call(self, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        # Serialise once: the bytes signed are the bytes sent.
        body = json.dumps(payload, separators=(",", ":")).encode()
        request = self.signed_request(operation, body)
        started = time.monotonic()
        response = self._send(request, body)
        duration_ms = round((time.monotonic() - started) * 1000)
        logger.info(
            "AGCOD %s answered %s",
            operation,
            response.status_code,
            extra={"provider": "amazon_gift", "duration_ms": duration_ms},
        )
        return _decode(response)

    def _send(self, request: AWSRequest, body: bytes) -> requests.Response:
        try:
            return self._session.post(
                request.url,
                data=body,
                headers=dict(request.headers.items()),
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.ConnectTimeout as exc:
            raise AgcodError(
                "could not connect to AGCOD", permanent=False, outcome_unknown=False
            ) from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            # The request may have reached Amazon before the line dropped.
            raise AgcodError(
                f"no answer from AGCOD ({type(exc).__name__})",
                permanent=False,
                outcome_unknown=True,
            ) from exc
        except requests.RequestException as exc:
            # An answer that broke off (ChunkedEncodingError) or could not be
            # decoded (ContentDecodingError), possibly a 200 for a new card.
            # Only a parsed Amazon error may end a payout for good.
            raise AgcodError(
                f"broken answer from AGCOD ({type(exc).__name__})",
                permanent=False,
                outcome_unknown=True,
            ) from exc


def _decode(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    answered_ok = 200 <= response.status_code < 300
    if not isinstance(body, dict):
        raise _unreadable("answer") if answered_ok else _http_error(response)
    status = _status_of(body)
    if answered_ok and status == "SUCCESS":
        return body
    if answered_ok and body.get("errorCode") is None:
        raise _unreadable("answer")
    raise _error_from_body(response.status_code, body, status)


def _status_of(body: dict[str, Any]) -> str | None:
    if isinstance(body.get("agcodResponse"), dict):
        return body["agcodResponse"].get("status")
    return body.get("status")


def _error_from_body(http_status: int, body: dict[str, Any], status: Any) -> AgcodError:
    code = body.get("errorCode")
    error_type = body.get("errorType")
    message = str(body.get("message") or body.get("Message") or "AGCOD error")
    kwargs = {"code": code, "error_type": error_type}
    throttled = message == "Rate exceeded" or error_type == "ThrottlingException"
    if throttled or status == "RESEND" or code in _TRANSIENT_CODES:
        return AgcodError(message, **kwargs, permanent=False, outcome_unknown=False)
    if code in _UNKNOWN_LATER_CODES:
        return AgcodError(message, **kwargs, permanent=True, outcome_unknown=True)
    if code is None:
        # Not an Amazon error code (a gateway's message): only a coded error
        # may end a payout for good. A 5xx may come after Amazon acted.
        unknown = http_status >= 500
        return AgcodError(message, **kwargs, permanent=False, outcome_unknown=unknown)
    return AgcodError(message, **kwargs, permanent=True, outcome_unknown=False)


def _http_error(response: requests.Response) -> AgcodError:
    status = response.status_code
    if status == 429 or "Rate exceeded" in response.text:
        # Throttled requests were not processed (also the XML form).
        return AgcodError("Rate exceeded", permanent=False, outcome_unknown=False)
    # Not Amazon's own error (a proxy's page, say): Amazon may have acted.
    message = f"AGCOD answered HTTP {status} without a JSON body"
    return AgcodError(message, permanent=False, outcome_unknown=True)


def _unreadable(what: str) -> AgcodError:
    # A 2xx we cannot read: Amazon may have created the card, so the outcome
    # is unknown; the same request id is sent again, which Amazon answers
    # with the same card.
    return AgcodError(f"unreadable AGCOD {what}", permanent=False, outcome_unknown=True)


def _gift_card(body: dict[str, Any], requested_yen: int) -> GiftCard:
    try:
        card_info = body.get("cardInfo") or {}
        amount = (card_info.get("value") or {}).get("amount")
        return GiftCard(
            claim_code=_required(body, "gcClaimCode"),
            gc_id=_required(body, "gcId"),
            expires_at=parse_java_date(body.get("gcExpirationDate")),
            amount=requested_yen if amount is None else _yen(amount),
            status=str(card_info.get("cardStatus") or body.get("status")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _unreadable("CreateGiftCard answer") from exc


def _required(body: dict[str, Any], key: str) -> str:
    value = body[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} missing")
    return value
