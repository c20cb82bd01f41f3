"""The real conversation engine's messages pass the SDK and reach LINE."""

import pytest

from kyufu.line.models import EventStatus, OutboundMessage, OutboundStatus, WebhookEvent

from .payloads import HANAKO, T0, body_of, follow, text

pytestmark = pytest.mark.django_db


def test_a_new_follower_is_answered_by_the_engine(
    programme, post_webhook, run_tasks, fake_line
) -> None:
    post_webhook(body_of(follow(HANAKO, at=T0), text(HANAKO, "申請", at=T0 + 1)))
    run_tasks()

    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {
        EventStatus.PROCESSED
    }
    statuses = set(OutboundMessage.objects.values_list("status", flat=True))
    assert statuses == {OutboundStatus.SENT}
    assert fake_line.replied
