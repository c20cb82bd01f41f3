"""A minimal fake of LINE's Messaging API on 127.0.0.1, with fault injection.

It keeps what the resident would see (`delivered`), every request made
(`requests`), retry keys already accepted (409 on reuse, as LINE does) and
single-use reply tokens. Faults are queued and consumed one per request:

- ``stall(seconds)``: accept the request, then answer too late (the client
  times out although LINE delivered: the ambiguous case);
- ``answer(status, message)``: refuse the request without processing it;
- ``hang_up()``: accept the request and close the connection unanswered;
- ``odd_answer()``: accept the request and answer 200 with a body the SDK's
  response models cannot read.
"""

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCESS_TOKEN = "test-access-token"


@dataclass
class Fault:
    kind: str
    seconds: float = 0.0
    status: int = 0
    message: str = ""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeLine:
    # Pushes as (to, messages) and replies as (reply token, messages).
    delivered: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    replied: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    accepted_keys: dict[str, str] = field(default_factory=dict)
    used_reply_tokens: set[str] = field(default_factory=set)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: deque[Fault] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def stall(self, seconds: float) -> None:
        self.faults.append(Fault("stall", seconds=seconds))

    def answer(self, status: int, message: str = "error") -> None:
        self.faults.append(Fault("answer", status=status, message=message))

    def hang_up(self) -> None:
        self.faults.append(Fault("hang_up"))

    def odd_answer(self) -> None:
        self.faults.append(Fault("odd_answer"))

    def take_fault(self) -> Fault | None:
        with self.lock:
            return self.faults.popleft() if self.faults else None

    def pushed_texts(self, to: str) -> list[str]:
        return [
            m.get("text", "") for who, ms in self.delivered if who == to for m in ms
        ]

    def replied_texts(self, token: str) -> list[str]:
        return [m.get("text", "") for t, ms in self.replied if t == token for m in ms]


def _sent(body: Any) -> dict[str, Any]:
    ids = [{"id": str(uuid.uuid4().int)[:18]} for _ in body["messages"]]
    return {"sentMessages": ids}


def _handler(fake: FakeLine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            with fake.lock:
                fake.requests.append(Request(self.command, self.path, headers, body))
            if headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                return self._send(401, {"message": "Authentication failed"})
            fault = fake.take_fault()
            if fault and fault.kind == "answer":
                return self._send(fault.status, {"message": fault.message})
            status, answer, extra = self._route(headers, body)
            if fault and fault.kind == "hang_up":
                self.close_connection = True
                return None
            if fault and fault.kind == "stall":
                time.sleep(fault.seconds)
            if fault and fault.kind == "odd_answer":
                answer = {"sentMessages": "not a list"}
            return self._send(status, answer, extra)

        def _route(
            self, headers: dict[str, str], body: Any
        ) -> tuple[int, dict[str, Any], dict[str, str]]:
            if self.path == "/v2/bot/message/push":
                return self._push(headers, body)
            if self.path == "/v2/bot/message/reply":
                return self._reply(body)
            if self.path.startswith("/v2/bot/profile/"):
                user_id = self.path.rsplit("/", 1)[1]
                if user_id in fake.profiles:
                    return 200, fake.profiles[user_id], {}
            return 404, {"message": "Not found"}, {}

        def _push(
            self, headers: dict[str, str], body: Any
        ) -> tuple[int, dict[str, Any], dict[str, str]]:
            key = headers.get("x-line-retry-key", "")
            with fake.lock:
                if key and key in fake.accepted_keys:
                    accepted = {"x-line-accepted-request-id": fake.accepted_keys[key]}
                    message = "The retry key is already accepted"
                    return 409, {"message": message}, accepted
                request_id = str(uuid.uuid4())
                if key:
                    fake.accepted_keys[key] = request_id
                fake.delivered.append((body["to"], body["messages"]))
            return 200, _sent(body), {"x-line-request-id": request_id}

        def _reply(self, body: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
            token = body["replyToken"]
            with fake.lock:
                if token in fake.used_reply_tokens:
                    return 400, {"message": "Invalid reply token"}, {}
                fake.used_reply_tokens.add(token)
                fake.replied.append((token, body["messages"]))
            return 200, _sent(body), {"x-line-request-id": str(uuid.uuid4())}

        def _send(
            self,
            status: int,
            answer: dict[str, Any],
            extra: dict[str, str] | None = None,
        ) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


class FakeLineServer:
    """Runs a FakeLine on a free loopback port on a background thread."""

    def __init__(self) -> None:
        self.fake = FakeLine()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.fake.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    def __enter__(self) -> FakeLine:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
