"""An answer from Amazon that breaks, even after 200, never fails a payout.

Amazon may have created the card; only the same creationRequestId, sent
again until Amazon answers it, settles that (invariant 4). Only Amazon's own
error code (F200, F300 ...) may end a payout for good, and not after an
attempt whose outcome was unknown.
"""

import gzip
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kyufu.audit.models import AuditEvent
from kyufu.payouts.models import Payout
from kyufu.payouts.providers.amazon.client import AgcodClient, AgcodError
from kyufu.payouts.services import budget_summary, create_payout, issue_payout

from .conftest import AGCOD_KEY, AGCOD_SECRET
from .raw_amazon import HANG, RawAmazon, http_reply, json_reply, raw_amazon

CARD = {
    "cardInfo": {"cardStatus": "Fulfilled", "value": {"amount": 10000.0}},
    "gcClaimCode": "ABCD-EFGHIJ-KLMN",
    "gcId": "A2ZEXAMPLE",
    "status": "SUCCESS",
}
CUT_OFF_200 = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Content-Length: 400\r\n\r\n"
    b'{"cardInfo":{"cardStatus":"Fulfilled","value":{"amount":10000'
)
BROKEN_200S = {
    "cut off mid-body": CUT_OFF_200,
    "an HTML page": http_reply("200 OK", b"<html>", Content_Type="text/html"),
    "a gzip that is not": http_reply(
        "200 OK", b"not gzip at all", Content_Encoding="gzip"
    ),
    "JSON that is not a card": json_reply("200 OK", {"hello": "proxy"}),
    "SUCCESS without a code": json_reply(
        "200 OK", {k: v for k, v in CARD.items() if k != "gcClaimCode"}
    ),
    "SUCCESS without a gcId": json_reply("200 OK", {**CARD, "gcId": None}),
}
F200 = json_reply(
    "400 Bad Request",
    {
        "agcodResponse": {"status": "FAILURE"},
        "errorCode": "F200",
        "errorType": "InvalidSignature",
        "message": "The request signature is not valid",
    },
)


def client(url: str) -> AgcodClient:
    return AgcodClient(url, AGCOD_KEY, AGCOD_SECRET, "Kyufu", timeout=0.3)


@pytest.fixture
def amazon_says(settings: Any) -> Iterator[Callable[..., RawAmazon]]:
    """Point the settings at a raw server that sends the scripted replies."""
    servers: list[RawAmazon] = []

    def start(*replies: bytes | None) -> RawAmazon:
        server = RawAmazon(list(replies))
        servers.append(server)
        settings.AGCOD_ENDPOINT = server.url
        settings.AGCOD_TIMEOUT = 0.3
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def payout(eligible_people: list[Any], make_application: Callable[..., Any]) -> Any:
    return create_payout(make_application(eligible_people[0]))


def retries_queued(payout: Payout) -> int:
    """Issue runs queued for later (one with no time waits until the far end)."""
    now = timezone.now()
    return DBTaskResult.objects.filter(
        task_path="kyufu.payouts.tasks.issue_payout",
        status="READY",
        run_after__range=(now, now + timedelta(days=1)),
        args_kwargs__args=[payout.pk],
    ).count()


@pytest.mark.parametrize("reply", list(BROKEN_200S.values()), ids=list(BROKEN_200S))
def test_a_broken_200_is_an_unknown_outcome_to_retry(reply: bytes) -> None:
    with raw_amazon([reply]) as amazon, pytest.raises(AgcodError) as raised:
        client(amazon.url).create_gift_card("KyufuK1", 10_000)

    assert raised.value.outcome_unknown and not raised.value.permanent


@pytest.mark.parametrize("status", ["403 Forbidden", "502 Bad Gateway"])
def test_a_page_that_is_not_amazons_error_is_never_final(status: str) -> None:
    reply = http_reply(status, b"<html>proxy</html>", Content_Type="text/html")

    with raw_amazon([reply]) as amazon, pytest.raises(AgcodError) as raised:
        client(amazon.url).create_gift_card("KyufuK2", 10_000)

    assert raised.value.outcome_unknown and not raised.value.permanent


def test_a_sound_gzip_answer_is_still_a_card() -> None:
    reply = http_reply(
        "200 OK",
        gzip.compress(json.dumps(CARD).encode()),
        Content_Type="application/json",
        Content_Encoding="gzip",
    )

    with raw_amazon([reply]) as amazon:
        card = client(amazon.url).create_gift_card("KyufuK3", 10_000)

    assert (card.gc_id, card.amount) == ("A2ZEXAMPLE", 10_000)


@pytest.mark.parametrize(
    "reply", [CUT_OFF_200, BROKEN_200S["an HTML page"]], ids=["cut off", "HTML"]
)
def test_a_payout_answered_with_a_broken_200_stays_unknown(
    amazon_says: Callable[..., RawAmazon], payout: Payout, programme: Any, reply: bytes
) -> None:
    amazon = amazon_says(reply)

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert payout.status == "unknown"
    assert payout.attempts == amazon.calls == 3  # retried with the same id
    assert budget_summary(programme)["reserved"] == 10_000
    assert retries_queued(payout) == 1
    assert not AuditEvent.objects.filter(action="payout.failed").exists()


def test_a_refusal_after_a_timeout_leaves_the_payout_unknown(
    amazon_says: Callable[..., RawAmazon], payout: Payout, programme: Any
) -> None:
    amazon_says(HANG, F200)

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("unknown", 2)
    assert payout.last_error.startswith("F200 InvalidSignature")
    assert budget_summary(programme)["reserved"] == 10_000
    assert retries_queued(payout) == 1


def test_a_refusal_in_a_later_run_leaves_an_unknown_payout_unknown(
    amazon_says: Callable[..., RawAmazon], payout: Payout, settings: Any
) -> None:
    settings.AGCOD_MAX_ATTEMPTS = 1
    amazon_says(HANG, F200)
    issue_payout(payout.pk)  # no answer: unknown

    issue_payout(payout.pk)  # the retry, refused this time

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("unknown", 2)
    assert payout.last_error.startswith("F200 InvalidSignature")


def test_a_refusal_of_a_first_attempt_still_fails_the_payout(
    amazon_says: Callable[..., RawAmazon], payout: Payout, programme: Any
) -> None:
    amazon_says(F200)

    issue_payout(payout.pk)

    payout.refresh_from_db()
    assert (payout.status, payout.attempts) == ("failed", 1)
    assert budget_summary(programme)["reserved"] == 0
