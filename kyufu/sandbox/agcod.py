"""The fake Amazon Incentives API (AGCOD): gift codes behind AWS SigV4.

Speaks ``POST /CreateGiftCard``, ``/CancelGiftCard`` and ``/GetAvailableFunds``
with the JSON bodies of the real JP sandbox, verifies SigV4 signatures like
Amazon, keeps Create idempotent per ``creationRequestId``, answers the
published sandbox mock ids (``F0000`` ... ``F5000``) and throttles at a set
rate. Test hooks inject RESEND, throttling, 500s and the classic "timed out
but issued" delay. Claim codes are never logged.
"""

import json
import logging
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kyufu.sandbox.httpbase import Request, Response, TokenBucket, json_response
from kyufu.sandbox.sigv4 import SignatureError, verify_request

logger = logging.getLogger(__name__)

SERVICE = "AGCODService"
TARGET_PREFIX = "com.amazonaws.agcod.AGCODService."
OPERATIONS = ("CreateGiftCard", "CancelGiftCard", "GetAvailableFunds")
RESPONSE_TYPE = "{}Response:http://internal.amazon.com/coral/com.amazonaws.agcod/"
NULL_FIELDS = {
    "CreateGiftCard": (
        "cardInfo",
        "creationRequestId",
        "gcClaimCode",
        "gcExpirationDate",
        "gcId",
    ),
    "CancelGiftCard": ("creationRequestId", "gcId"),
    "GetAvailableFunds": ("availableFunds", "timestamp"),
}
PARTNER_ID = re.compile(r"^[A-Z][a-z]{4}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9]+$")
MAX_REQUEST_ID = 40
JP_PRODUCT_TYPES = frozenset({"bookPV", "hwPV", "wfhPV", "pePV", "nursePV"})
CLAIM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JST = timedelta(hours=9)
FAULT_MODES = ("delay", "resend", "throttle", "error500")
RATE_EXCEEDED = {"message": "Rate exceeded"}

# Sandbox mock ids and the answers Amazon's sandbox gives for them. Messages
# of F2000-F2002 are not in the recorded samples; these are stand-ins.
MOCK_ERRORS: dict[str, tuple[str, str, str]] = {
    "F1000": ("F100", "GeneralError", "General Error"),
    "F2000": ("F200", "InvalidRequestInput", "Invalid Request Input"),
    "F2001": ("F200", "InvalidCardNumberInput", "Invalid Card Number Input"),
    "F2002": ("F200", "InvalidPartnerIdInput", "Invalid Partner Id Input"),
    "F2003": ("F200", "InvalidAmountInput", "Amount can't be null"),
    "F2004": ("F200", "InvalidAmountValue", "Amount must be larger than 0"),
    "F2005": (
        "F200",
        "InvalidCurrencyCodeInput",
        "Currency Code can't be null or empty",
    ),
    "F2010": (
        "F200",
        "CardAlreadyActivatedWithDifferentRequestId",
        "The card was already activated with a different request id",
    ),
    "F2015": ("F200", "MaxAmountExceeded", "Max Amount Exceeded"),
    "F2016": ("F200", "CurrencyCodeMismatch", "Currency Code Mismatch"),
    "F2017": ("F200", "FractionalAmountNotAllowed", "Fractional Amount Not Allowed"),
    "F2047": (
        "F200",
        "CancelRequestArrivedAfterTimeLimit",
        "Cancellation cannot be processed as too much time has elapsed since creation",
    ),
    "F3003": ("F300", "InsufficientFunds", "Insufficient Funds"),
    "F3005": ("F300", "GeneralError", "General Error"),
    "F3010": (
        "F300",
        "CustomerSurpassedDailyVelocityLimit",
        "Customer has exceeded daily velocity limit",
    ),
    "F4000": ("F400", "SystemTemporarilyUnavailable", "System Temporarily Unavailable"),
    "F5000": ("F500", "GeneralError", "General Error"),
}
MOCK_SUCCESS_ID = "F0000"
MOCK_CLAIM_CODE = "ZYXW-VUTS-RQPO"
MOCK_GC_ID = "ABC123ZYX987"


class AgcodError(Exception):
    """A failure answer: ``errorCode``, ``errorType``, ``message``."""

    def __init__(
        self, code: str, error_type: str, message: str, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.error_type = error_type
        self.message = message
        default_status = 400 if code in ("F200", "F300") else 500
        self.http_status = http_status or default_status

    @property
    def status(self) -> str:
        return "RESEND" if self.code == "F400" else "FAILURE"


def invalid(error_type: str, message: str) -> AgcodError:
    return AgcodError("F200", error_type, message)


@dataclass
class IssuedCard:
    """A gift card the fake really created (replays of its request excluded)."""

    creation_request_id: str
    gc_id: str
    claim_code: str
    amount: int
    currency_code: str
    expiration_date: str
    created_at: float
    product_type: str | None = None
    card_status: str = "Fulfilled"

    def __repr__(self) -> str:
        # Keeps claim codes out of assertion messages and logs.
        return (
            f"IssuedCard(creation_request_id={self.creation_request_id!r}, "
            f"gc_id={self.gc_id!r}, amount={self.amount}, "
            f"card_status={self.card_status!r})"
        )

    def response(self) -> dict[str, Any]:
        return {
            "cardInfo": {
                "cardNumber": None,
                "cardStatus": self.card_status,
                "expirationDate": None,
                "value": {"amount": float(self.amount), "currencyCode": "JPY"},
            },
            "creationRequestId": self.creation_request_id,
            "gcClaimCode": self.claim_code,
            "gcExpirationDate": self.expiration_date,
            "gcId": self.gc_id,
            "status": "SUCCESS",
        }


@dataclass
class _Fault:
    mode: str
    delay: float
    operation: str | None


class AgcodFake:
    """The fake Incentives API for one partner account."""

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        partner_id: str,
        region: str = "us-west-2",
        available_funds: int = 10_000_000,
        max_card_amount: int = 500_000,
        tps: float | None = None,
        cancel_window: float = 15 * 60,
        delay_seconds: float = 7.0,
        product_types: frozenset[str] = JP_PRODUCT_TYPES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret_keys = {access_key: secret_key}
        self.partner_id = partner_id
        self.region = region
        self.max_card_amount = max_card_amount
        self.cancel_window = cancel_window
        self.delay_seconds = delay_seconds
        self.product_types = product_types
        self.clock = clock
        self.issued: list[IssuedCard] = []
        self.cards: dict[str, IssuedCard] = {}
        self.create_requests: list[str] = []
        self._funds = available_funds
        self._initial = (available_funds, tps)
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._bucket = TokenBucket(tps) if tps else None

    # Test hooks ------------------------------------------------------------

    def fail_next(
        self,
        count: int = 1,
        mode: str = "resend",
        *,
        delay: float | None = None,
        operation: str | None = "CreateGiftCard",
    ) -> None:
        """Disturb the next ``count`` calls of ``operation`` (None: any).

        ``delay``: do the work, then answer after ``delay`` seconds (default
        ``delay_seconds``, longer than the recommended 6 s client timeout);
        ``resend``: F400 with status RESEND; ``throttle``: "Rate exceeded";
        ``error500``: F500 with HTTP 500. Only ``delay`` creates a card.
        """
        if mode not in FAULT_MODES:
            raise ValueError(f"mode must be one of {FAULT_MODES}")
        wait = self.delay_seconds if delay is None else delay
        with self._lock:
            self._faults.extend(_Fault(mode, wait, operation) for _ in range(count))

    def set_tps(self, tps: float | None) -> None:
        """Throttle above ``tps`` requests per second (None: never)."""
        self._bucket = TokenBucket(tps) if tps else None

    @property
    def available_funds(self) -> int:
        with self._lock:
            return self._funds

    @available_funds.setter
    def available_funds(self, amount: int) -> None:
        with self._lock:
            self._funds = amount

    def issued_count(self, creation_request_id: str) -> int:
        """How many real cards were created for one creationRequestId."""
        return self.issued_per_request()[creation_request_id]

    def issued_per_request(self) -> Counter[str]:
        with self._lock:
            return Counter(card.creation_request_id for card in self.issued)

    def reset(self) -> None:
        """Forget cards, requests and faults; restore funds and rate."""
        with self._lock:
            self.issued.clear()
            self.cards.clear()
            self.create_requests.clear()
            self._faults.clear()
            self._funds, tps = self._initial
            self.set_tps(tps)

    # HTTP ------------------------------------------------------------------

    def app(self, request: Request) -> Response:
        operation = request.path.strip("/")
        if request.method != "POST" or operation not in OPERATIONS:
            return json_response(404, {"message": "Not Found"})
        try:
            return self._handle(request, operation)
        except SignatureError as error:
            logger.warning("agcod %s refused: %s", operation, error.error_type)
            refusal = AgcodError(error.code, error.error_type, error.message, 403)
            return _error_response(operation, refusal)
        except AgcodError as error:
            logger.info("agcod %s failed: %s", operation, error.error_type)
            return _error_response(operation, error)

    def _handle(self, request: Request, operation: str) -> Response:
        verify_request(
            method=request.method,
            path=request.path,
            query="&".join(f"{k}={v}" for k, vs in request.query.items() for v in vs),
            headers=request.headers,
            body=request.body,
            secret_keys=self.secret_keys,
            region=self.region,
            service=SERVICE,
            now=self._now(),
        )
        if request.header("x-amz-target") != TARGET_PREFIX + operation:
            raise invalid(
                "InvalidRequestInput",
                f"x-amz-target must be {TARGET_PREFIX}{operation}",
            )
        if self._bucket is not None and not self._bucket.take():
            return json_response(400, RATE_EXCEEDED)
        fault = self._take_fault(operation)
        delay = 0.0
        if fault is not None:
            if fault.mode == "throttle":
                return json_response(400, RATE_EXCEEDED)
            if fault.mode == "resend":
                raise AgcodError("F400", *MOCK_ERRORS["F4000"][1:])
            if fault.mode == "error500":
                raise AgcodError("F500", "GeneralError", "General Error")
            delay = fault.delay
        body = _json_body(request.body)
        with self._lock:
            payload = self._operations[operation](self, body)
        response = json_response(200, payload)
        response.delay = delay
        return response

    def _take_fault(self, operation: str) -> _Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.operation in (None, operation):
                    return self._faults.pop(index)
        return None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # Operations (called with the lock held) ----------------------------------

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        self._check_partner(body)
        request_id = body.get("creationRequestId")
        if isinstance(request_id, str):
            self.create_requests.append(request_id)
        if _is_success_mock(request_id):
            return _mock_card(_amount(body.get("value")))
        request_id = self._check_request_id(request_id)
        amount = _amount(body.get("value"))
        product_type = self._check_extras(body)
        existing = self.cards.get(request_id)
        if existing is not None:
            if (existing.amount, existing.product_type) != (amount, product_type):
                raise invalid(
                    "RequestedDenominationMismatch",
                    "The creationRequestId was already used with a different value",
                )
            return existing.response()
        if amount > self.max_card_amount:
            raise invalid("MaxAmountExceeded", "Max Amount Exceeded")
        if amount > self._funds:
            raise AgcodError("F300", "InsufficientFunds", "Insufficient Funds")
        card = self._issue(request_id, amount, product_type)
        return card.response()

    def _issue(
        self, request_id: str, amount: int, product_type: str | None
    ) -> IssuedCard:
        created_at = self.clock()
        card = IssuedCard(
            creation_request_id=request_id,
            gc_id=str(secrets.randbelow(9 * 10**15) + 10**15),
            claim_code=_claim_code(),
            amount=amount,
            currency_code="JPY",
            expiration_date=_java_date(_expiry(created_at)),
            created_at=created_at,
            product_type=product_type,
        )
        self._funds -= amount
        self.cards[request_id] = card
        self.issued.append(card)
        logger.info(
            "agcod issued gcId=%s for %s (%s JPY)", card.gc_id, request_id, amount
        )
        return card

    def _cancel(self, body: dict[str, Any]) -> dict[str, Any]:
        self._check_partner(body)
        request_id = body.get("creationRequestId")
        if _is_success_mock(request_id):
            return {
                "creationRequestId": request_id,
                "gcId": MOCK_GC_ID,
                "status": "SUCCESS",
            }
        request_id = self._check_request_id(request_id)
        gc_id = body.get("gcId")
        if not isinstance(gc_id, str) or not gc_id:
            raise invalid("InvalidGCIdInput", "Gc Id can't be null or empty")
        card = self.cards.get(request_id)
        if card is None:
            raise invalid("CardNotFound", "Card Not Found")
        if card.gc_id != gc_id:
            raise invalid("InvalidGCIdInput", "Gc Id does not match the request id")
        if self.clock() - card.created_at > self.cancel_window:
            raise invalid(*MOCK_ERRORS["F2047"][1:])
        if card.card_status == "Fulfilled":
            card.card_status = "RefundedToPurchaser"
            self._funds += card.amount
            logger.info("agcod cancelled gcId=%s for %s", card.gc_id, request_id)
        return {
            "creationRequestId": request_id,
            "gcId": card.gc_id,
            "status": "SUCCESS",
        }

    def _funds_status(self, body: dict[str, Any]) -> dict[str, Any]:
        self._check_partner(body)
        return {
            "availableFunds": {"amount": float(self._funds), "currencyCode": "JPY"},
            "status": "SUCCESS",
            "timestamp": self._now().strftime("%Y%m%dT%H%M%SZ"),
        }

    _operations: dict[str, Callable[["AgcodFake", dict[str, Any]], dict[str, Any]]] = {
        "CreateGiftCard": _create,
        "CancelGiftCard": _cancel,
        "GetAvailableFunds": _funds_status,
    }

    # Checks ------------------------------------------------------------------

    def _check_partner(self, body: dict[str, Any]) -> None:
        partner_id = body.get("partnerId")
        if not isinstance(partner_id, str) or not PARTNER_ID.match(partner_id):
            raise invalid("InvalidPartnerIdInput", "Invalid Partner Id")
        if partner_id != self.partner_id:
            raise invalid(
                "InvalidPartnerIdInput", "Partner Id does not match the credentials"
            )

    def _check_request_id(self, request_id: Any) -> str:
        if not isinstance(request_id, str) or not request_id:
            raise invalid("InvalidRequestIdInput", "Creation Request Id can't be null")
        if len(request_id) > MAX_REQUEST_ID:
            raise invalid("RequestIdTooLong", "Request Id is too long")
        if not request_id.startswith(self.partner_id):
            raise invalid(
                "RequestIdMustStartWithPartnerName",
                "Request Id must start with the Partner Id",
            )
        if not REQUEST_ID.match(request_id):
            raise invalid("InvalidRequestIdInput", "Request Id must be alphanumeric")
        return request_id

    def _check_extras(self, body: dict[str, Any]) -> str | None:
        reference = body.get("externalReference")
        if isinstance(reference, str) and len(reference) > 100:
            raise invalid("ExternalReferenceTooLong", "External Reference Too Long")
        product_type = body.get("productType")
        if product_type is None:
            return None
        if product_type not in self.product_types:
            raise AgcodError("F300", "ProgramIsNotApproved", "Program Is Not Approved")
        return str(product_type)


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise invalid(
            "InvalidRequestInput", "Request body is not valid JSON"
        ) from error
    if not isinstance(parsed, dict):
        raise invalid("InvalidRequestInput", "Request body must be a JSON object")
    return parsed


def _amount(value: Any) -> int:
    """Check ``value`` (JPY, integer, positive) and return the amount in yen."""
    if not isinstance(value, dict):
        raise invalid("InvalidAmountInput", "Amount can't be null")
    currency = value.get("currencyCode")
    if not isinstance(currency, str) or not currency:
        raise invalid(*MOCK_ERRORS["F2005"][1:])
    if currency != "JPY":
        raise invalid(*MOCK_ERRORS["F2016"][1:])
    amount = value.get("amount")
    if amount is None:
        raise invalid(*MOCK_ERRORS["F2003"][1:])
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise invalid("InvalidAmountInput", "Amount must be a number")
    if amount <= 0:
        raise invalid(*MOCK_ERRORS["F2004"][1:])
    if amount != int(amount):
        raise invalid(*MOCK_ERRORS["F2017"][1:])
    return int(amount)


def _is_success_mock(request_id: Any) -> bool:
    """Tell whether the id is the success mock id; raise the error mock ids."""
    if isinstance(request_id, str) and request_id in MOCK_ERRORS:
        code, error_type, message = MOCK_ERRORS[request_id]
        raise AgcodError(code, error_type, message)
    return request_id == MOCK_SUCCESS_ID


def _mock_card(amount: int) -> dict[str, Any]:
    return {
        "cardInfo": {
            "cardNumber": None,
            "cardStatus": "Fulfilled",
            "expirationDate": None,
            "value": {"amount": float(amount), "currencyCode": "JPY"},
        },
        "creationRequestId": MOCK_SUCCESS_ID,
        "gcClaimCode": MOCK_CLAIM_CODE,
        "gcExpirationDate": None,
        "gcId": MOCK_GC_ID,
        "status": "SUCCESS",
    }


def _error_response(operation: str, error: AgcodError) -> Response:
    agcod_response: dict[str, Any] = {"__type": RESPONSE_TYPE.format(operation)}
    agcod_response.update(dict.fromkeys(NULL_FIELDS[operation]))
    agcod_response["status"] = error.status
    body = {
        "agcodResponse": agcod_response,
        "errorCode": error.code,
        "errorType": error.error_type,
        "message": error.message,
    }
    return json_response(error.http_status, body)


def _claim_code() -> str:
    def chunk(length: int) -> str:
        return "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(length))

    return f"{chunk(4)}-{chunk(6)}-{chunk(4)}"


def _expiry(created_at: float) -> datetime:
    """Ten years on, at the end of that day in Japan (14:59:59 UTC)."""
    day = (datetime.fromtimestamp(created_at, UTC) + JST).date()
    try:
        day = day.replace(year=day.year + 10)
    except ValueError:  # 29 February
        day = day.replace(year=day.year + 10, day=28)
    return datetime(day.year, day.month, day.day, 14, 59, 59, tzinfo=UTC)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _java_date(moment: datetime) -> str:
    """Format like Java's ``Date.toString()`` in UTC, independent of locale."""
    return (
        f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} "
        f"{moment:%d %H:%M:%S} UTC {moment.year}"
    )
