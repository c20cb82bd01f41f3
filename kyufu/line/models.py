"""LINE channels, followers, received webhook events and outbound messages."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kyufu.core.crypto import EncryptedJSONField, EncryptedTextField


class LineChannel(models.Model):
    """A municipality's LINE official account (Messaging API channel)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="line_channels"
    )
    name = models.CharField(_("name"), max_length=100)
    channel_id = models.CharField(_("channel ID"), max_length=20, blank=True)
    # The bot's own user ID, sent by LINE as the webhook "destination".
    bot_user_id = models.CharField(max_length=33, blank=True)
    # The webhook URL is /line/webhook/<webhook_key>/: one endpoint per channel.
    webhook_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel_secret = EncryptedTextField(_("channel secret"))
    access_token = EncryptedTextField(_("channel access token"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LINE channel")

    def __str__(self) -> str:
        return self.name


class LineUser(models.Model):
    """A resident's LINE account as seen by one channel (user IDs are per provider)."""

    channel = models.ForeignKey(
        LineChannel, on_delete=models.PROTECT, related_name="users"
    )
    user_id = models.CharField(max_length=33)
    is_following = models.BooleanField(default=False)
    followed_at = models.DateTimeField(null=True, blank=True)
    unfollowed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "user_id"], name="line_user_unique_per_channel"
            )
        ]

    def __str__(self) -> str:
        return self.user_id


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


class WebhookEvent(models.Model):
    """One webhook event, stored before the webhook answers, handled once."""

    channel = models.ForeignKey(
        LineChannel, on_delete=models.PROTECT, related_name="events"
    )
    # LINE's webhookEventId (a ULID); redeliveries repeat it.
    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=40)
    line_user = models.ForeignKey(
        LineUser, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    occurred_at = models.DateTimeField()
    is_redelivery = models.BooleanField(default=False)
    payload = models.JSONField()
    status = models.CharField(
        max_length=20, choices=EventStatus.choices, default=EventStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["line_user", "status", "occurred_at"],
                name="event_user_status_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    PUSH = "push", _("Push")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMessage(models.Model):
    """Messages to one resident, stored before the first send attempt.

    Push messages carry an X-Line-Retry-Key chosen here and saved first, so a
    retry after a timeout can never deliver twice. The message bodies are
    encrypted and erased once delivered (they may hold a gift code).
    """

    channel = models.ForeignKey(
        LineChannel, on_delete=models.PROTECT, related_name="outbound"
    )
    line_user = models.ForeignKey(
        LineUser, on_delete=models.PROTECT, related_name="outbound"
    )
    kind = models.CharField(max_length=10, choices=OutboundKind.choices)
    reply_token = models.CharField(max_length=64, blank=True)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    messages = EncryptedJSONField(null=True, blank=True)
    # A short label for staff and logs ("gift_code", "conversation"); never content.
    purpose = models.CharField(max_length=40, default="conversation")
    status = models.CharField(
        max_length=20, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker moved it to "sending"; a stale one was left by a dead worker.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.purpose} {self.status}"
