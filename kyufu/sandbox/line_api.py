"""The fake LINE Messaging API: ``/v2/bot/...`` with LINE's shapes and errors.

Serves the api.line.me and api-data.line.me paths on one host, as the SDK
does when ``Configuration(host=...)`` points at a fake. Every response carries
``x-line-request-id``; errors use LINE's ``{"message", "details"}`` body.
"""

import hmac
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kyufu.sandbox import ids
from kyufu.sandbox.httpbase import Request, Response, TokenBucket, json_response
from kyufu.sandbox.state import LineState, LoggedRequest
from kyufu.sandbox.validation import validate_messages

logger = logging.getLogger(__name__)

USER_ID = re.compile(r"^U[0-9a-f]{32}$")
MAX_MULTICAST = 500
RETRY_KEY_ENDPOINTS = frozenset(
    {
        "/v2/bot/message/push",
        "/v2/bot/message/multicast",
        "/v2/bot/message/narrowcast",
        "/v2/bot/message/broadcast",
    }
)
QUOTABLE_TYPES = frozenset({"text", "textV2", "sticker", "image", "video"})

# LINE's published per-channel limits (requests per second); pass this as
# ``rate_limits`` to have the fake answer 429 like LINE does.
LINE_RATE_LIMITS: dict[str, float] = {
    "/v2/bot/message/reply": 2000.0,
    "/v2/bot/message/push": 2000.0,
    "/v2/bot/message/multicast": 200.0,
    "/v2/bot/chat/loading/start": 100.0,
    "/v2/bot/message/broadcast": 60 / 3600,
    "/v2/bot/message/narrowcast": 60 / 3600,
}

AUTHENTICATION_FAILED = (
    "Authentication failed due to the following reason: invalid token. "
    "Confirm that the access token in the authorization header is valid."
)
RATE_LIMITED = "The API rate limit has been exceeded. Try again later."
MONTHLY_LIMIT = "You have reached your monthly limit."


class LineError(Exception):
    """An error answer of the fake API."""

    def __init__(
        self,
        status: int,
        message: str,
        details: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message}
        if details:
            self.body["details"] = details
        self.body.update(extra or {})
        self.headers = headers or {}


def invalid_body(details: list[dict[str, str]]) -> LineError:
    return LineError(
        400, f"The request body has {len(details)} error(s)", details=details
    )


Handler = Callable[["MessagingApiFake", Request, str], Response]


class MessagingApiFake:
    """Routes ``/v2/bot/...`` requests to handlers over a :class:`LineState`."""

    def __init__(
        self,
        state: LineState,
        access_token: str,
        bot_user_id: str,
        account_name: str,
        rate_limits: dict[str, float] | None = None,
    ) -> None:
        self.state = state
        self.access_token = access_token
        self.bot_user_id = bot_user_id
        self.account_name = account_name
        self.set_rate_limits(rate_limits)

    def set_rate_limits(self, rate_limits: dict[str, float] | None) -> None:
        """Answer 429 above these requests per second, per path (None: never)."""
        self._buckets = {
            path: TokenBucket(rate) for path, rate in (rate_limits or {}).items()
        }

    def handle(self, request: Request) -> Response:
        request_id = ids.new_request_id()
        try:
            response = self._handle(request, request_id)
        except LineError as error:
            response = json_response(error.status, error.body, error.headers)
        response.headers["x-line-request-id"] = request_id
        self._log(request, response, request_id)
        return response

    def _handle(self, request: Request, request_id: str) -> Response:
        self._authenticate(request)
        fault = self.state.take_fault(request.path)
        if fault is not None:
            return json_response(fault.status, fault.body)
        bucket = self._buckets.get(request.path)
        if bucket is not None and not bucket.take():
            raise LineError(429, RATE_LIMITED)
        retry_key = request.header("X-Line-Retry-Key")
        if retry_key is not None and request.path not in RETRY_KEY_ENDPOINTS:
            raise LineError(
                400, "The X-Line-Retry-Key header cannot be used with this API"
            )
        if retry_key is not None and not ids.is_uuid(retry_key):
            raise LineError(400, "The value of the X-Line-Retry-Key header is invalid")
        handler = self._route(request)
        if handler is None:
            raise LineError(404, "Not found")
        response = handler(self, request, request_id)
        response.delay = self.state.delay_for(request.path)
        return response

    def _authenticate(self, request: Request) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        valid = scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.access_token.encode()
        )
        if not valid:
            raise LineError(401, AUTHENTICATION_FAILED)

    def _route(self, request: Request) -> Handler | None:
        path = request.path
        if request.method == "POST":
            if path.startswith("/v2/bot/message/validate/"):
                return MessagingApiFake._validate
            return _POST_ROUTES.get(path)
        if request.method != "GET":
            return None
        if path in _GET_ROUTES:
            return _GET_ROUTES[path]
        if path.startswith("/v2/bot/profile/"):
            return MessagingApiFake._profile
        if path.startswith("/v2/bot/message/") and path.endswith("/content"):
            return MessagingApiFake._content
        return None

    def _log(self, request: Request, response: Response, request_id: str) -> None:
        entry = LoggedRequest(
            request.method,
            request.path,
            response.status,
            request.header("X-Line-Retry-Key"),
            request_id,
        )
        with self.state.lock:
            self.state.requests.append(entry)
        logger.debug(
            "line api %s %s -> %s (%s)",
            request.method,
            request.path,
            response.status,
            request_id,
        )

    # Sending -------------------------------------------------------------

    def _reply(self, request: Request, request_id: str) -> Response:
        body = _json_body(request)
        reply_token = body.get("replyToken")
        details = validate_messages(body.get("messages"))
        if not isinstance(reply_token, str):
            details.insert(
                0, {"message": "must be specified", "property": "replyToken"}
            )
        if details:
            raise invalid_body(details)
        user_id = self.state.consume_reply_token(str(reply_token))
        if user_id is None:
            raise LineError(400, "Invalid reply token")
        messages = body["messages"]
        self.state.record_bot([user_id], "reply", messages)
        return json_response(200, {"sentMessages": _sent_messages(messages)})

    def _push(self, request: Request, request_id: str) -> Response:
        body = _json_body(request)
        retry_key = request.header("X-Line-Retry-Key")
        with self.state.lock:
            self._refuse_accepted(retry_key, with_sent_messages=True)
            to = body.get("to")
            details = validate_messages(body.get("messages"))
            if not isinstance(to, str):
                details.insert(0, {"message": "must be specified", "property": "to"})
            if details:
                raise invalid_body(details)
            if not self.state.is_follower(str(to)):
                raise LineError(400, "Failed to send messages")
            messages = body["messages"]
            self._count_quota(len(messages))
            self.state.record_bot([str(to)], "push", messages)
            sent = _sent_messages(messages)
            if retry_key is not None:
                self.state.accept_retry_key(retry_key, request_id, sent)
        return json_response(200, {"sentMessages": sent})

    def _multicast(self, request: Request, request_id: str) -> Response:
        body = _json_body(request)
        with self.state.lock:
            self._refuse_accepted(request.header("X-Line-Retry-Key"))
            details = validate_messages(body.get("messages"))
            to = body.get("to")
            if not isinstance(to, list) or not 1 <= len(to) <= MAX_MULTICAST:
                details.insert(
                    0,
                    {
                        "message": f"Size must be between 1 and {MAX_MULTICAST}",
                        "property": "to",
                    },
                )
                to = []
            for index, user_id in enumerate(to):
                if not isinstance(user_id, str) or not USER_ID.match(user_id):
                    details.append(
                        {"message": "invalid user ID", "property": f"to[{index}]"}
                    )
            if details:
                raise invalid_body(details)
            self._deliver(request, request_id, "multicast", to, body["messages"])
        return json_response(200, {})

    def _broadcast(self, request: Request, request_id: str) -> Response:
        with self.state.lock:
            self._deliver_to_followers(request, request_id, "broadcast")
        return json_response(200, {})

    def _narrowcast(self, request: Request, request_id: str) -> Response:
        with self.state.lock:
            # The fake ignores recipient and filter: every follower matches.
            followers = self._deliver_to_followers(request, request_id, "narrowcast")
            now = datetime.now(UTC).isoformat(timespec="milliseconds")
            self.state.narrowcasts[request_id] = {
                "phase": "succeeded",
                "successCount": len(followers),
                "failureCount": 0,
                "targetCount": len(followers),
                "acceptedTime": now,
                "completedTime": now,
            }
        return json_response(202, {})

    def _deliver_to_followers(
        self, request: Request, request_id: str, endpoint: str
    ) -> list[str]:
        """Validate and deliver to every follower; call holding the state lock."""
        body = _json_body(request)
        self._refuse_accepted(request.header("X-Line-Retry-Key"))
        details = validate_messages(body.get("messages"))
        if details:
            raise invalid_body(details)
        followers = sorted(self.state.followers)
        self._deliver(request, request_id, endpoint, followers, body["messages"])
        return followers

    def _deliver(
        self,
        request: Request,
        request_id: str,
        endpoint: str,
        user_ids: list[str],
        messages: list[dict[str, Any]],
    ) -> None:
        """Send to the followers among ``user_ids``; others are skipped silently."""
        recipients = [u for u in dict.fromkeys(user_ids) if self.state.is_follower(u)]
        self._count_quota(len(messages) * len(recipients))
        self.state.record_bot(recipients, endpoint, messages)
        retry_key = request.header("X-Line-Retry-Key")
        if retry_key is not None:
            self.state.accept_retry_key(retry_key, request_id, None)

    def _refuse_accepted(
        self, retry_key: str | None, *, with_sent_messages: bool = False
    ) -> None:
        if retry_key is None:
            return
        accepted = self.state.accepted_request(retry_key)
        if accepted is None:
            return
        extra = {}
        if with_sent_messages and accepted.sent_messages is not None:
            extra["sentMessages"] = accepted.sent_messages
        raise LineError(
            409,
            "The retry key is already accepted",
            headers={"x-line-accepted-request-id": accepted.request_id},
            extra=extra,
        )

    def _count_quota(self, count: int) -> None:
        limit = self.state.monthly_quota
        if limit is not None and self.state.quota_usage + count > limit:
            raise LineError(429, MONTHLY_LIMIT)
        self.state.quota_usage += count

    def _validate(self, request: Request, request_id: str) -> Response:
        details = validate_messages(_json_body(request).get("messages"))
        if details:
            raise invalid_body(details)
        return json_response(200, {})

    # Reading -------------------------------------------------------------

    def _profile(self, request: Request, request_id: str) -> Response:
        user_id = request.path.removeprefix("/v2/bot/profile/")
        with self.state.lock:
            if not self.state.is_follower(user_id):
                raise LineError(404, "Not found")
            name = self.state.display_names[user_id]
        profile = {"displayName": name, "userId": user_id, "language": "ja"}
        return json_response(200, profile)

    def _loading(self, request: Request, request_id: str) -> Response:
        body = _json_body(request)
        chat_id = body.get("chatId")
        seconds = body.get("loadingSeconds", 20)
        details = []
        if not isinstance(chat_id, str) or not USER_ID.match(chat_id):
            details.append({"message": "invalid chatId", "property": "chatId"})
        if not isinstance(seconds, int) or not (
            5 <= seconds <= 60 and seconds % 5 == 0
        ):
            details.append(
                {
                    "message": "must be a multiple of 5 between 5 and 60",
                    "property": "loadingSeconds",
                }
            )
        if details:
            raise invalid_body(details)
        self.state.record_loading(str(chat_id), seconds)
        return json_response(202, {})

    def _quota(self, request: Request, request_id: str) -> Response:
        limit = self.state.monthly_quota
        if limit is None:
            return json_response(200, {"type": "none"})
        return json_response(200, {"type": "limited", "value": limit})

    def _consumption(self, request: Request, request_id: str) -> Response:
        return json_response(200, {"totalUsage": self.state.quota_usage})

    def _narrowcast_progress(self, request: Request, request_id: str) -> Response:
        progress = self.state.narrowcasts.get(request.query_value("requestId"))
        if progress is None:
            raise LineError(404, "Not found")
        return json_response(200, progress)

    def _content(self, request: Request, request_id: str) -> Response:
        message_id = request.path.split("/")[4]
        content = self.state.contents.get(message_id)
        if content is None:
            raise LineError(404, "Not found")
        data, content_type = content
        return Response(200, data, content_type=content_type)

    def _bot_info(self, request: Request, request_id: str) -> Response:
        info = {
            "userId": self.bot_user_id,
            "basicId": "@kyufu",
            "displayName": self.account_name,
            "chatMode": "bot",
            "markAsReadMode": "auto",
        }
        return json_response(200, info)

    def _follower_ids(self, request: Request, request_id: str) -> Response:
        limit_text = request.query_value("limit", "300")
        start_text = request.query_value("start", "0")
        if not (limit_text.isdigit() and start_text.isdigit()):
            raise LineError(400, "The request parameters are invalid")
        limit, start = min(int(limit_text), 1000), int(start_text)
        with self.state.lock:
            followers = sorted(self.state.followers)
        page = followers[start : start + limit]
        body: dict[str, Any] = {"userIds": page}
        if start + limit < len(followers):
            body["next"] = str(start + limit)
        return json_response(200, body)


_POST_ROUTES: dict[str, Handler] = {
    "/v2/bot/message/reply": MessagingApiFake._reply,
    "/v2/bot/message/push": MessagingApiFake._push,
    "/v2/bot/message/multicast": MessagingApiFake._multicast,
    "/v2/bot/message/broadcast": MessagingApiFake._broadcast,
    "/v2/bot/message/narrowcast": MessagingApiFake._narrowcast,
    "/v2/bot/chat/loading/start": MessagingApiFake._loading,
}
_GET_ROUTES: dict[str, Handler] = {
    "/v2/bot/message/quota": MessagingApiFake._quota,
    "/v2/bot/message/quota/consumption": MessagingApiFake._consumption,
    "/v2/bot/message/progress/narrowcast": MessagingApiFake._narrowcast_progress,
    "/v2/bot/info": MessagingApiFake._bot_info,
    "/v2/bot/followers/ids": MessagingApiFake._follower_ids,
}


def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise LineError(400, "The request body could not be parsed as JSON") from error
    except json.JSONDecodeError as error:
        raise LineError(
            400,
            "The request body could not be parsed as JSON "
            f"(line: {error.lineno}, column: {error.colno})",
        ) from error
    if not isinstance(body, dict):
        raise LineError(400, "The request body could not be parsed as JSON")
    return body


def _sent_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    sent = []
    for message in messages:
        item = {"id": ids.new_message_id()}
        if message.get("type") in QUOTABLE_TYPES:
            item["quoteToken"] = ids.new_quote_token()
        sent.append(item)
    return sent
