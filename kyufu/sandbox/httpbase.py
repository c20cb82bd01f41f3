"""A tiny HTTP layer for the fakes: request/response values, a server, a bucket.

Each fake is an *app*: a callable from :class:`Request` to :class:`Response`.
:class:`AppServer` runs an app on a standard-library threading HTTP server
that keeps connections alive (SDK clients pool them) and has a deep listen
backlog, so a thousand concurrent clients do not hit SYN retries.
"""

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    """An HTTP request as the fakes see it: the body is the exact bytes sent."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        """Return a header value (names are case-insensitive)."""
        return self.headers.get(name)

    def query_value(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    """What an app answers; ``delay`` postpones sending it (not the work)."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def json_response(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> Response:
    """Build a compact JSON response, keeping non-ASCII characters as UTF-8."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(status, body.encode("utf-8"), headers=dict(headers or {}))


App = Callable[[Request], Response]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this, Nagle and delayed
    # ACKs add ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    server: "AppServer"

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._write(json_response(413, {"message": "Request Entity Too Large"}))
            return
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
        )
        try:
            response = self.server.app(request)
        except Exception:
            logger.exception("sandbox app failed on %s %s", self.command, url.path)
            response = json_response(500, {"message": "Internal server error"})
        if response.delay > 0 and self.server.stopping.wait(response.delay):
            self.close_connection = True
            return
        self._write(response)

    def _write(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test); nothing left to tell it.
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s", self.server.name, format % args)


class AppServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one app."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, host: str, port: int, app: App, name: str) -> None:
        self.app = app
        self.name = name
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve in a background daemon thread."""
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"kyufu-sandbox-{self.name}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, release delayed responses and close the socket."""
        self.stopping.set()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()


class TokenBucket:
    """A token bucket: ``rate`` tokens per second, bursts up to ``rate``."""

    def __init__(
        self, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Take one token; ``False`` when the rate is exceeded."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._stamp)
            self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False
