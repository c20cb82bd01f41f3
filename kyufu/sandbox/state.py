"""In-memory state of the fake LINE platform: followers, tokens, transcripts.

One lock guards everything, and a condition on it wakes waiters whenever a
transcript grows, so tests can wait for a reply the bot sends in background.
"""

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kyufu.sandbox import ids

RESIDENT = "resident"
BOT = "bot"
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class TranscriptEntry:
    """One line of a chat: what the resident did, what the bot sent, a note.

    A bot entry is shared by every recipient of a multicast, so a
    million-recipient announcement costs one entry plus a list slot each.
    """

    sender: str
    kind: str
    timestamp_ms: int
    message: dict[str, Any] | None = None
    endpoint: str | None = None
    text: str | None = None
    level: str = "info"

    def to_json(self, index: int) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "index": index,
            "from": self.sender,
            "kind": self.kind,
            "timestamp": self.timestamp_ms,
        }
        if self.message is not None:
            entry["message"] = self.message
        if self.endpoint is not None:
            entry["endpoint"] = self.endpoint
        if self.text is not None:
            entry["text"] = self.text
            entry["level"] = self.level
        return entry


@dataclass(frozen=True)
class SentMessage:
    """A message object the bot sent to one user, and how."""

    user_id: str
    endpoint: str
    message: dict[str, Any]
    timestamp_ms: int


@dataclass(frozen=True)
class AcceptedRequest:
    """A request accepted under an ``X-Line-Retry-Key``."""

    request_id: str
    sent_messages: list[dict[str, str]] | None
    expires_at: float


@dataclass
class Fault:
    """An injected failure for the next ``remaining`` calls to one path."""

    status: int
    body: dict[str, Any]
    remaining: int


@dataclass(frozen=True)
class LoggedRequest:
    """One call the bot made to the fake Messaging API."""

    method: str
    path: str
    status: int
    retry_key: str | None
    request_id: str


@dataclass
class _Reply:
    user_id: str
    expires_at: float


@dataclass
class LineState:
    """Everything the fake LINE platform remembers, behind one lock."""

    reply_token_ttl: float = 60.0
    retry_key_ttl: float = 24 * 3600.0
    monthly_quota: int | None = None
    clock: Callable[[], float] = time.time
    followers: set[str] = field(default_factory=set)
    display_names: dict[str, str] = field(default_factory=dict)
    quota_usage: int = 0
    requests: list[LoggedRequest] = field(default_factory=list)
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    narrowcasts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._reply_tokens: dict[str, _Reply] = {}
        self._retry_keys: dict[str, AcceptedRequest] = {}
        self._transcripts: dict[str, list[TranscriptEntry]] = {}
        self._faults: dict[str, Fault] = {}
        self._delays: dict[str | None, float] = {}

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # Followers -----------------------------------------------------------

    def add_follower(self, user_id: str, display_name: str | None = None) -> None:
        with self.lock:
            self.followers.add(user_id)
            if display_name:
                self.display_names[user_id] = display_name
            self.display_names.setdefault(user_id, default_display_name(user_id))

    def remove_follower(self, user_id: str) -> None:
        with self.lock:
            self.followers.discard(user_id)

    def is_follower(self, user_id: str) -> bool:
        with self.lock:
            return user_id in self.followers

    def has_followed(self, user_id: str) -> bool:
        """Tell whether the user ever followed (a later follow is an unblock)."""
        with self.lock:
            return user_id in self.display_names

    # Reply tokens ---------------------------------------------------------

    def issue_reply_token(self, user_id: str) -> str:
        token = ids.new_reply_token()
        with self.lock:
            self._reply_tokens[token] = _Reply(
                user_id, self.clock() + self.reply_token_ttl
            )
        return token

    def consume_reply_token(self, token: str) -> str | None:
        """Use a reply token once; return its user id, or None if invalid."""
        with self.lock:
            reply = self._reply_tokens.pop(token, None)
            if reply is None or reply.expires_at < self.clock():
                return None
            return reply.user_id

    # Retry keys -----------------------------------------------------------

    def accepted_request(self, retry_key: str) -> AcceptedRequest | None:
        with self.lock:
            accepted = self._retry_keys.get(retry_key)
            if accepted is not None and accepted.expires_at < self.clock():
                del self._retry_keys[retry_key]
                return None
            return accepted

    def accept_retry_key(
        self,
        retry_key: str,
        request_id: str,
        sent_messages: list[dict[str, str]] | None,
    ) -> None:
        with self.lock:
            expires_at = self.clock() + self.retry_key_ttl
            self._retry_keys[retry_key] = AcceptedRequest(
                request_id, sent_messages, expires_at
            )

    # Faults and delays ----------------------------------------------------

    def fail_next(
        self,
        path: str,
        status: int,
        count: int = 1,
        body: dict[str, Any] | None = None,
    ) -> None:
        with self.lock:
            self._faults[path] = Fault(status, body or _fault_body(status), count)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            fault = self._faults.get(path)
            if fault is None:
                return None
            fault.remaining -= 1
            if fault.remaining <= 0:
                del self._faults[path]
            return fault

    def set_delay(self, seconds: float, path: str | None = None) -> None:
        with self.lock:
            self._delays[path] = seconds

    def delay_for(self, path: str) -> float:
        with self.lock:
            return self._delays.get(path, self._delays.get(None, 0.0))

    # Transcripts ----------------------------------------------------------

    def append(self, user_ids: Iterable[str], entry: TranscriptEntry) -> None:
        with self.lock:
            for user_id in user_ids:
                self._transcripts.setdefault(user_id, []).append(entry)
            self.changed.notify_all()

    def record_resident(
        self, user_id: str, kind: str, message: dict[str, Any] | None = None
    ) -> None:
        entry = TranscriptEntry(RESIDENT, kind, self.now_ms(), message=message)
        self.append([user_id], entry)

    def record_note(self, user_id: str, text: str, level: str = "info") -> None:
        entry = TranscriptEntry(SYSTEM, "note", self.now_ms(), text=text, level=level)
        self.append([user_id], entry)

    def record_loading(self, user_id: str, seconds: int) -> None:
        """Note a loading animation, which the chat page shows as dots."""
        entry = TranscriptEntry(SYSTEM, "loading", self.now_ms(), text=str(seconds))
        self.append([user_id], entry)

    def record_bot(
        self, user_ids: Iterable[str], endpoint: str, messages: list[dict[str, Any]]
    ) -> None:
        recipients = list(user_ids)
        for message in messages:
            entry = TranscriptEntry(
                BOT, "message", self.now_ms(), message=message, endpoint=endpoint
            )
            self.append(recipients, entry)

    def transcript(self, user_id: str) -> list[TranscriptEntry]:
        with self.lock:
            return list(self._transcripts.get(user_id, ()))

    def sent_to(self, user_id: str) -> list[SentMessage]:
        return [
            SentMessage(user_id, e.endpoint or "", e.message or {}, e.timestamp_ms)
            for e in self.transcript(user_id)
            if e.sender == BOT and e.message is not None
        ]

    def wait_for_bot_messages(
        self, user_id: str, count: int, timeout: float
    ) -> list[dict[str, Any]]:
        """Block until the bot sent ``count`` messages to the user in total."""

        def bot_messages() -> list[dict[str, Any]]:
            return [sent.message for sent in self.sent_to(user_id)]

        with self.changed:
            self.changed.wait_for(lambda: len(bot_messages()) >= count, timeout)
            return bot_messages()

    def reset(self) -> None:
        """Forget everything except the configuration."""
        with self.lock:
            self.followers.clear()
            self.display_names.clear()
            self.quota_usage = 0
            self.requests.clear()
            self.contents.clear()
            self.narrowcasts.clear()
            self._reply_tokens.clear()
            self._retry_keys.clear()
            self._transcripts.clear()
            self._faults.clear()
            self._delays.clear()


def default_display_name(user_id: str) -> str:
    """A recognisable display name for a resident who gave none."""
    return f"住民{user_id[-4:].upper()}"


def _fault_body(status: int) -> dict[str, Any]:
    if status == 429:
        return {"message": "The API rate limit has been exceeded. Try again later."}
    if status == 401:
        return {"message": "Authentication failed due to the following reason: ..."}
    if status >= 500:
        return {"message": "Internal server error"}
    return {"message": "The request could not be processed"}
