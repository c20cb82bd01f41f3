"""LINE operations: storing webhook events, handling them, sending messages.

Received events are stored and queued in one transaction and handled by the
worker, one resident at a time, oldest first. Outbound messages are stored
before any attempt; pushes carry a retry key saved with the row, so a retry
after a timeout never reaches the resident twice.
"""

import logging
import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .client import MAX_MESSAGES_PER_REQUEST, LineApiError, LineClient
from .handlers import Outcome, dispatch, redacted
from .models import (
    EventStatus,
    LineChannel,
    LineUser,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
    WebhookEvent,
)
from .webhook import IncomingEvent, is_real_reply_token

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 5  # replies; their token dies within a minute anyway
# A push keeps its retry key, so retrying is always safe while LINE still
# remembers the key (24 hours); stop an hour short of that.
PUSH_RETRY_WINDOW = timedelta(hours=23)
MAX_RETRY_DELAY = timedelta(minutes=10)
# A row claimed longer ago than this was left by a worker that died.
STALE_CLAIM = timedelta(minutes=5)
MAX_ERROR_LENGTH = 500


# --- Intake ------------------------------------------------------------------


def receive_events(channel: LineChannel, events: list[IncomingEvent]) -> None:
    """Store new events and queue their handling, atomically.

    An event id seen before (a redelivery, a duplicate) is skipped by the
    unique constraint. Events outside a one-to-one chat are kept as ignored.
    """
    if not events:
        return
    with transaction.atomic():
        users = _upsert_users(channel, {e.user_id for e in events if e.user_id})
        rows = [_event_row(channel, event, users) for event in events]
        WebhookEvent.objects.bulk_create(rows, ignore_conflicts=True)
        for line_user in users.values():
            _enqueue_processing(line_user.pk)


def _upsert_users(channel: LineChannel, user_ids: set[str]) -> dict[str, LineUser]:
    users = _users_by_id(channel, user_ids)
    missing = user_ids - users.keys()
    if missing:
        LineUser.objects.bulk_create(
            [LineUser(channel=channel, user_id=user_id) for user_id in missing],
            ignore_conflicts=True,
        )
        users |= _users_by_id(channel, missing)
    return users


def _users_by_id(channel: LineChannel, user_ids: set[str]) -> dict[str, LineUser]:
    found = LineUser.objects.filter(channel=channel, user_id__in=user_ids)
    return {line_user.user_id: line_user for line_user in found}


def _event_row(
    channel: LineChannel, event: IncomingEvent, users: dict[str, LineUser]
) -> WebhookEvent:
    row = WebhookEvent(
        channel=channel,
        event_id=event.event_id,
        event_type=event.event_type,
        line_user=users.get(event.user_id) if event.user_id else None,
        occurred_at=event.occurred_at,
        is_redelivery=event.is_redelivery,
        payload=event.payload,
    )
    if row.line_user is None:
        row.status = EventStatus.IGNORED
        row.processed_at = timezone.now()
        row.payload = redacted(event.payload)
    return row


def _enqueue_processing(line_user_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from .tasks import process_line_user_events

    process_line_user_events.enqueue(line_user_id)


# --- Processing ----------------------------------------------------------------


def process_user_events(line_user_id: int) -> int:
    """Handle the resident's pending events oldest first; return how many.

    Each event is handled in its own transaction holding the resident's row
    lock, so two workers never handle the same event and never overtake an
    earlier event of the same resident.
    """
    handled = 0
    while _process_next_event(line_user_id):
        handled += 1
    return handled


def _process_next_event(line_user_id: int) -> bool:
    with transaction.atomic():
        line_user = LineUser.objects.select_for_update().get(pk=line_user_id)
        event = (
            line_user.events.filter(status=EventStatus.PENDING)
            .order_by("occurred_at", "pk")
            .first()
        )
        if event is None:
            return False
        _handle_event(line_user, event)
        return True


def _handle_event(line_user: LineUser, event: WebhookEvent) -> None:
    event.attempts += 1
    try:
        with transaction.atomic():
            outcome = dispatch(line_user, event)
            _answer(line_user, event, outcome)
    except Exception as exc:
        logger.exception(
            "LINE event handling failed",
            extra={"event_id": event.event_id, "line_user_id": line_user.pk},
        )
        event.status = EventStatus.FAILED
        event.last_error = _error_text(exc)
    else:
        event.status = outcome.status
        event.last_error = ""
        event.payload = redacted(event.payload)
    event.processed_at = timezone.now()
    event.save(
        update_fields=["status", "attempts", "last_error", "payload", "processed_at"]
    )
    logger.info(
        "LINE event %s",
        event.status,
        extra={"event_id": event.event_id, "event_type": event.event_type},
    )


def _answer(line_user: LineUser, event: WebhookEvent, outcome: Outcome) -> None:
    """Reply while the reply token lasts; without one, push instead."""
    if not outcome.messages:
        return
    reply_token = event.payload.get("replyToken")
    if is_real_reply_token(reply_token):
        queue_reply(line_user, reply_token, outcome.messages)
    else:
        queue_push(line_user, outcome.messages, purpose="conversation")


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]


# --- Outbound ----------------------------------------------------------------


def create_push(
    line_user: LineUser, messages: list[dict[str, Any]], *, purpose: str
) -> OutboundMessage:
    """Store a push with its retry key, before any attempt; nothing is sent."""
    _check_message_count(messages)
    return OutboundMessage.objects.create(
        channel_id=line_user.channel_id,
        line_user=line_user,
        kind=OutboundKind.PUSH,
        messages=messages,
        purpose=purpose,
    )


def queue_push(
    line_user: LineUser, messages: list[dict[str, Any]], *, purpose: str
) -> OutboundMessage:
    """Store a push and queue its delivery in the caller's transaction."""
    with transaction.atomic():
        outbound = create_push(line_user, messages, purpose=purpose)
        _enqueue_delivery(outbound.pk)
    return outbound


def queue_reply(
    line_user: LineUser, reply_token: str, messages: list[dict[str, Any]]
) -> OutboundMessage:
    """Store a reply to an event and queue its delivery."""
    if not is_real_reply_token(reply_token):
        raise ValueError("not a usable reply token")
    _check_message_count(messages)
    with transaction.atomic():
        outbound = OutboundMessage.objects.create(
            channel_id=line_user.channel_id,
            line_user=line_user,
            kind=OutboundKind.REPLY,
            reply_token=reply_token,
            messages=messages,
            purpose="conversation",
        )
        _enqueue_delivery(outbound.pk)
    return outbound


def send_outbound(outbound: OutboundMessage) -> bool:
    """Make one delivery attempt; True once the message is sent.

    Call outside any transaction: the row is claimed in a short one, the HTTP
    call runs with no transaction open. False with the row back in pending
    means "try again later"; `outbound` is refreshed either way.
    """
    claimed = _claim(outbound.pk)
    if claimed is not None:
        _attempt(claimed)
    outbound.refresh_from_db()
    return outbound.status == OutboundStatus.SENT


def _claim(outbound_id: int) -> OutboundMessage | None:
    """Move the row from pending to sending; None if another worker has it."""
    with transaction.atomic():
        outbound = (
            OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel", "line_user")
            .filter(pk=outbound_id, status=OutboundStatus.PENDING)
            .first()
        )
        if outbound is None:
            return None
        outbound.status = OutboundStatus.SENDING
        outbound.attempts += 1
        outbound.claimed_at = timezone.now()
        outbound.save(update_fields=["status", "attempts", "claimed_at"])
        return outbound


def _attempt(outbound: OutboundMessage) -> None:
    started = time.monotonic()
    try:
        request_id = _call_line(outbound)
    except LineApiError as error:
        _record_failure(outbound, error, _ms_since(started))
    except Exception as exc:
        # A bug of ours, not LINE's answer: the outcome is unknown, and the
        # row must not stay in "sending".
        logger.exception("LINE send crashed", extra={"outbound_id": outbound.pk})
        unknown = LineApiError(
            f"unexpected {type(exc).__name__}",
            status=None,
            permanent=False,
            maybe_delivered=True,
        )
        _record_failure(outbound, unknown, _ms_since(started))
    else:
        _record_sent(outbound, request_id, _ms_since(started))


def _call_line(outbound: OutboundMessage) -> str:
    messages = outbound.messages
    if not messages:
        raise LineApiError("no content left to send", status=None, permanent=True)
    with LineClient(outbound.channel) as client:
        if outbound.kind == OutboundKind.REPLY:
            return client.reply(outbound.reply_token, messages)
        return client.push(
            outbound.line_user.user_id, messages, str(outbound.retry_key)
        )


def _record_sent(outbound: OutboundMessage, request_id: str, duration_ms: int) -> None:
    outbound.status = OutboundStatus.SENT
    outbound.sent_at = timezone.now()
    outbound.request_id = request_id
    outbound.last_error = ""
    # The content may hold a gift code: it is not kept after delivery.
    outbound.messages = None
    outbound.save(
        update_fields=["status", "sent_at", "request_id", "last_error", "messages"]
    )
    logger.info("LINE message sent", extra=_log_ids(outbound, duration_ms))


def _record_failure(
    outbound: OutboundMessage, error: LineApiError, duration_ms: int
) -> None:
    outbound.last_error = error.message[:MAX_ERROR_LENGTH]
    outbound.request_id = error.request_id
    if _may_retry(outbound, error):
        outbound.status = OutboundStatus.PENDING
        outbound.save(update_fields=["status", "last_error", "request_id"])
        logger.warning(
            "LINE send will be retried", extra=_log_ids(outbound, duration_ms)
        )
        return
    with transaction.atomic():
        _push_instead_of_expired_reply(outbound, error)
        outbound.status = OutboundStatus.FAILED
        outbound.messages = None
        outbound.save(update_fields=["status", "last_error", "request_id", "messages"])
    logger.error("LINE send failed", extra=_log_ids(outbound, duration_ms))


def _may_retry(outbound: OutboundMessage, error: LineApiError) -> bool:
    if error.permanent:
        return False
    if outbound.kind == OutboundKind.PUSH:
        return timezone.now() - outbound.created_at < PUSH_RETRY_WINDOW
    # A reply has no retry key: after an answer that may have been lost, a
    # second reply could reach the resident twice.
    return outbound.attempts < MAX_DELIVERY_ATTEMPTS and not error.maybe_delivered


def _push_instead_of_expired_reply(
    outbound: OutboundMessage, error: LineApiError
) -> None:
    """A reply LINE refused (token expired, say) surely did not arrive: push it.

    Under a surge the queue can outlast the one-minute reply token; the
    resident must still get the next question.
    """
    refused = outbound.kind == OutboundKind.REPLY and error.status == 400
    if refused and outbound.messages:
        queue_push(outbound.line_user, outbound.messages, purpose=outbound.purpose)


def _check_message_count(messages: list[dict[str, Any]]) -> None:
    if not 1 <= len(messages) <= MAX_MESSAGES_PER_REQUEST:
        raise ValueError(
            f"LINE takes 1 to {MAX_MESSAGES_PER_REQUEST} messages, not {len(messages)}"
        )


def _enqueue_delivery(outbound_id: int) -> None:
    from .tasks import deliver_outbound

    deliver_outbound.enqueue(outbound_id)


def retry_delay(attempts: int) -> timedelta:
    """Back off 2, 4, 8, 16 seconds (inside a reply token's minute), then
    longer for pushes, at most MAX_RETRY_DELAY."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_RETRY_DELAY)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _log_ids(outbound: OutboundMessage, duration_ms: int) -> dict[str, Any]:
    return {
        "outbound_id": outbound.pk,
        "kind": outbound.kind,
        "purpose": outbound.purpose,
        "attempts": outbound.attempts,
        "request_id": outbound.request_id,
        "duration_ms": duration_ms,
    }
