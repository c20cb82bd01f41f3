"""A bare TCP stand-in for AGCOD that answers with exactly the bytes scripted.

For answers no HTTP framework sends on purpose: a 200 cut off mid-body, a
proxy's HTML page, a request left without any answer.
"""

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# A scripted "reply" that keeps the connection open and says nothing.
HANG = None


def http_reply(status: str, body: bytes, **headers: str) -> bytes:
    """A complete HTTP/1.1 answer; headers given as Content_Type="..."."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return "\r\n".join([*lines, "", ""]).encode() + body


def json_reply(status: str, body: dict[str, Any]) -> bytes:
    return http_reply(
        status, json.dumps(body).encode(), Content_Type="application/json"
    )


class RawAmazon:
    """Answers the n-th request with the n-th reply (the last one repeats)."""

    def __init__(self, replies: list[bytes | None]) -> None:
        self.calls = 0
        self._replies = replies
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()
        for conn in self._held:
            conn.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            conn.settimeout(5)
            _read_request(conn)
            reply = self._replies[min(self.calls, len(self._replies) - 1)]
            self.calls += 1
            if reply is None:  # HANG
                self._held.append(conn)
                continue
            conn.sendall(reply)
            conn.close()


def _read_request(conn: socket.socket) -> None:
    # Read all of it, so that closing early cannot look like a reset instead.
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


@contextmanager
def raw_amazon(replies: list[bytes | None]) -> Iterator[RawAmazon]:
    server = RawAmazon(replies)
    try:
        yield server
    finally:
        server.close()
