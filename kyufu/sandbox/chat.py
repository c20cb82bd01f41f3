"""The phone-like chat page and the small JSON API behind it.

``/`` serves the page, ``/static/...`` its files, and ``/sandbox/api/...``
lets the page act as a resident (each action becomes a signed webhook) and
poll the transcript of what the resident did and what the bot sent.
"""

import json
import logging
import re
from pathlib import Path
from typing import Any

from kyufu.sandbox.httpbase import Request, Response, json_response
from kyufu.sandbox.state import LineState
from kyufu.sandbox.webhook_sender import WebhookSender

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
USER_ID = re.compile(r"^U[0-9a-f]{32}$")
EVENT_KINDS = ("follow", "unfollow", "text", "postback")


class ChatPage:
    """Serves the chat page and its API for one fake LINE channel."""

    def __init__(
        self,
        state: LineState,
        sender: WebhookSender,
        account_name: str,
        static_dir: Path = STATIC_DIR,
    ) -> None:
        self.state = state
        self.sender = sender
        self.account_name = account_name
        self.static_dir = static_dir.resolve()

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == "/sandbox/api/events" and request.method == "POST":
            return self._event(request)
        if path == "/sandbox/api/transcript" and request.method == "GET":
            return self._transcript(request)
        if path == "/sandbox/api/config" and request.method == "GET":
            return self._config()
        if request.method == "GET" and path in ("/", "/index.html"):
            return self._static("index.html")
        if request.method == "GET" and path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"))
        return json_response(404, {"message": "Not found"})

    def _static(self, name: str) -> Response:
        content_type = STATIC_TYPES.get(Path(name).suffix)
        target = (self.static_dir / name).resolve()
        inside = target.is_relative_to(self.static_dir)
        if content_type is None or not inside or not target.is_file():
            return json_response(404, {"message": "Not found"})
        headers = {"Cache-Control": "no-cache"}
        return Response(200, target.read_bytes(), content_type, headers)

    def _config(self) -> Response:
        return json_response(
            200,
            {
                "accountName": self.account_name,
                "botUserId": self.sender.bot_user_id,
                "webhookUrl": self.sender.webhook_url,
            },
        )

    def _transcript(self, request: Request) -> Response:
        user_id = request.query_value("userId")
        after_text = request.query_value("after", "0")
        if not USER_ID.match(user_id) or not after_text.isdigit():
            return json_response(400, {"message": "userId and after are required"})
        after = int(after_text)
        entries = self.state.transcript(user_id)
        with self.state.lock:
            following = user_id in self.state.followers
            name = self.state.display_names.get(user_id)
        body = {
            "entries": [
                entry.to_json(index)
                for index, entry in enumerate(entries[after:], start=after + 1)
            ],
            "following": following,
            "displayName": name,
        }
        return json_response(200, body)

    def _event(self, request: Request) -> Response:
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return json_response(400, {"message": "body must be JSON"})
        problem = _event_problem(body)
        if problem is not None:
            return json_response(400, {"message": problem})
        status = self._act(body)
        return json_response(200, {"webhookStatus": status})

    def _act(self, body: dict[str, Any]) -> int:
        user_id = body["userId"]
        kind = body["kind"]
        if kind == "follow":
            return self.sender.follow(user_id, body.get("displayName") or None)
        if kind == "unfollow":
            return self.sender.unfollow(user_id)
        if kind == "text":
            return self.sender.send_text(user_id, body["text"])
        return self.sender.send_postback(
            user_id,
            body["data"],
            params=body.get("params") or None,
            display_text=body.get("displayText") or None,
        )


def _event_problem(body: Any) -> str | None:
    """Say what is wrong with a page action, or None when it is usable."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if not isinstance(body.get("userId"), str) or not USER_ID.match(body["userId"]):
        return "userId must be U followed by 32 hex characters"
    kind = body.get("kind")
    if kind not in EVENT_KINDS:
        return f"kind must be one of {', '.join(EVENT_KINDS)}"
    if kind == "text" and not (isinstance(body.get("text"), str) and body["text"]):
        return "text is required"
    if kind == "postback" and not isinstance(body.get("data"), str):
        return "data is required"
    params = body.get("params")
    if params is not None and not (
        isinstance(params, dict) and all(isinstance(v, str) for v in params.values())
    ):
        return "params must map names to strings"
    return None
