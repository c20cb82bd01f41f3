"""The LINE webhook endpoint: verify, store, acknowledge; nothing else."""

import logging
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import LineChannel
from .services import receive_events
from .webhook import WebhookParseError, parse_events, signature_is_valid

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, webhook_key: uuid.UUID) -> HttpResponse:
    """Accept a signed webhook request; the worker handles the events later."""
    # only(): the access token stays encrypted, it is not needed here.
    channel = get_object_or_404(
        LineChannel.objects.only("pk", "channel_secret"), webhook_key=webhook_key
    )
    signature = request.headers.get("x-line-signature")
    if not signature:
        return HttpResponse(status=400)
    # TODO(rotation): accept the previous secret too while a channel secret is
    # being rotated; until then a rotation drops events for a few seconds.
    if not signature_is_valid(channel.channel_secret, request.body, signature):
        logger.warning("LINE webhook signature mismatch", extra={"channel": channel.pk})
        return HttpResponse(status=401)
    try:
        events = parse_events(request.body)
    except WebhookParseError as exc:
        logger.warning(
            "LINE webhook body refused: %s", exc, extra={"channel": channel.pk}
        )
        return HttpResponse(status=400)
    receive_events(channel, events)
    return HttpResponse(status=200)
