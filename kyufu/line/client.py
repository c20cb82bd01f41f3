"""A small LINE Messaging API client that raises only LineApiError.

It wraps line-bot-sdk v3, always with explicit timeouts and without
urllib3's own retries: retrying is the caller's decision, made with the
message's saved X-Line-Retry-Key, so a request is never re-sent blindly.
"""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self

import urllib3
from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    ApiResponse,
    Configuration,
    Message,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import OpenApiException
from pydantic.v1 import ValidationError

from .models import LineChannel

MAX_MESSAGES_PER_REQUEST = 5
REQUEST_ID_HEADER = "x-line-request-id"
ACCEPTED_REQUEST_ID_HEADER = "x-line-accepted-request-id"


class LineApiError(Exception):
    """A LINE API call failed; `permanent` says whether retrying can help.

    `maybe_delivered` is set when the request may have reached LINE (a read
    timeout, a dropped connection, a 5xx): only a call with a retry key may be
    retried then, since LINE deduplicates it; a reply could arrive twice.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        permanent: bool,
        request_id: str = "",
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.permanent = permanent
        self.request_id = request_id
        self.maybe_delivered = maybe_delivered


class LineClient:
    """Calls the Messaging API for one channel; use it as a context manager."""

    def __init__(self, channel: LineChannel) -> None:
        self._api_client = ApiClient(
            _configuration(settings.LINE_API_BASE_URL, channel.access_token)
        )
        self._blob_client = ApiClient(
            _configuration(settings.LINE_DATA_API_BASE_URL, channel.access_token)
        )
        self._api = MessagingApi(self._api_client)
        self._blob = MessagingApiBlob(self._blob_client)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._api_client.close()
        self._blob_client.close()

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> str:
        """Reply with up to 5 messages; return LINE's request id."""
        with _invalid_request():
            request = ReplyMessageRequest(
                reply_token=reply_token, messages=_to_models(messages)
            )
        return _send(
            lambda: self._api.reply_message_with_http_info(
                request, _request_timeout=_timeout(), _preload_content=False
            )
        )

    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> str:
        """Push up to 5 messages under a retry key; return LINE's request id.

        A 409 means LINE already accepted a request with this key (the answer
        to an earlier attempt was lost): that is success, and the id returned
        is the one of the accepted request.
        """
        with _invalid_request():
            request = PushMessageRequest(to=to, messages=_to_models(messages))
        return _send(
            lambda: self._api.push_message_with_http_info(
                request,
                x_line_retry_key=retry_key,
                _request_timeout=_timeout(),
                _preload_content=False,
            )
        )

    def get_profile(self, user_id: str) -> dict[str, Any]:
        """Return the follower's profile (displayName, pictureUrl, …)."""
        response = _call(
            lambda: self._api.get_profile_with_http_info(
                user_id, _request_timeout=_timeout()
            )
        )
        profile: dict[str, Any] = response.data.to_dict()
        return profile

    def get_message_content(self, message_id: str) -> bytes:
        """Download what a resident sent (an image, a file) from the data API."""
        response = _call(
            lambda: self._blob.get_message_content_with_http_info(
                message_id, _request_timeout=_timeout()
            )
        )
        return bytes(response.data)


def _configuration(host: str, access_token: str) -> Configuration:
    configuration = Configuration(host=host, access_token=access_token)
    # No hidden re-sends: urllib3 would otherwise retry on connection errors.
    configuration.retries = False
    return configuration


def _timeout() -> tuple[float, float]:
    return (settings.LINE_CONNECT_TIMEOUT, settings.LINE_READ_TIMEOUT)


def _to_models(messages: list[dict[str, Any]]) -> list[Message]:
    if not 1 <= len(messages) <= MAX_MESSAGES_PER_REQUEST:
        raise LineApiError(
            f"LINE takes 1 to {MAX_MESSAGES_PER_REQUEST} messages, not {len(messages)}",
            status=None,
            permanent=True,
        )
    return [Message.from_dict(message) for message in messages]


def _header(headers: Any, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return ""


def _request_id(headers: Any) -> str:
    return _header(headers, REQUEST_ID_HEADER)


def _send(send: Callable[[], ApiResponse]) -> str:
    """Run one sending call; return the id of the request LINE accepted.

    The calls pass _preload_content=False: only the status and headers
    matter, and an answer body the SDK's models cannot read must not turn a
    message LINE accepted into an error. A 409 carrying an accepted request
    id means an earlier attempt with the same retry key got through.
    """
    with _translated_errors():
        try:
            return _request_id(send().headers)
        except ApiException as exc:
            accepted = _header(exc.headers, ACCEPTED_REQUEST_ID_HEADER)
            if exc.status == 409 and accepted:
                return accepted
            raise


def _call(call: Callable[[], ApiResponse]) -> ApiResponse:
    with _translated_errors():
        return call()


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn SDK, urllib3 and validation errors into LineApiError."""
    try:
        yield
    except ApiException as exc:
        raise _from_api_exception(exc) from None
    except urllib3.exceptions.ConnectTimeoutError as exc:
        # Includes NewConnectionError: the request never left this machine.
        raise LineApiError(
            f"cannot connect to LINE: {type(exc).__name__}",
            status=None,
            permanent=False,
        ) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise LineApiError(
            f"no answer from LINE: {type(exc).__name__}",
            status=None,
            permanent=False,
            maybe_delivered=True,
        ) from None
    except (OpenApiException, ValueError, TypeError) as exc:
        # The SDK refused the arguments or could not read LINE's answer.
        raise LineApiError(
            f"SDK error: {type(exc).__name__}", status=None, permanent=True
        ) from None


@contextmanager
def _invalid_request() -> Iterator[None]:
    """Messages the SDK refuses to build are permanent errors.

    Only pydantic's field paths and reasons are kept: other SDK errors echo
    the whole message, which may hold a gift code.
    """
    try:
        yield
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise LineApiError(
            f"invalid message: {reasons}", status=None, permanent=True
        ) from None
    except (ValueError, TypeError, LookupError) as exc:
        raise LineApiError(
            f"invalid message: {type(exc).__name__}", status=None, permanent=True
        ) from None


def _from_api_exception(exc: ApiException) -> LineApiError:
    status = int(exc.status or 0)
    request_id = _request_id(exc.headers)
    message = f"LINE answered {status}: {_error_message(exc.body)}"
    if status == 0:  # the SDK's wrapper of an SSL error: nothing was sent
        return LineApiError(message, status=None, permanent=False)
    if status == 429:  # LINE did not process the request at all
        return LineApiError(
            message, status=status, permanent=False, request_id=request_id
        )
    if status >= 500:
        return LineApiError(
            message,
            status=status,
            permanent=False,
            request_id=request_id,
            maybe_delivered=True,
        )
    return LineApiError(message, status=status, permanent=True, request_id=request_id)


def _error_message(body: Any) -> str:
    """LINE's own error text ("Invalid reply token"); it echoes no content."""
    try:
        data = json.loads(body or b"{}")
    except (TypeError, ValueError):
        return "unreadable error body"
    return str(data.get("message", ""))[:200] if isinstance(data, dict) else ""
