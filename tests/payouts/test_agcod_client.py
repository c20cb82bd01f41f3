"""The AGCOD client against the fake Incentives API (SigV4 checked there)."""

from datetime import UTC, datetime

import pytest

from kyufu.payouts.providers.amazon.client import (
    AgcodClient,
    AgcodError,
    parse_java_date,
)
from kyufu.sandbox.server import Sandbox

from .conftest import AGCOD_KEY, AGCOD_SECRET


def client_for(sandbox: Sandbox, secret: str = AGCOD_SECRET) -> AgcodClient:
    return AgcodClient(sandbox.agcod_url, AGCOD_KEY, secret, "Kyufu", timeout=0.5)


def test_a_gift_card_is_created_with_its_code_and_expiry(sandbox: Sandbox) -> None:
    card = client_for(sandbox).create_gift_card("KyufuK1", 10_000)

    assert (card.amount, card.status) == (10_000, "Fulfilled")
    assert card.claim_code == sandbox.agcod.issued[0].claim_code
    assert card.gc_id == sandbox.agcod.issued[0].gc_id
    assert card.expires_at is not None and card.expires_at.tzinfo is not None
    assert card.claim_code not in repr(card)


def test_the_same_request_id_returns_the_same_card(sandbox: Sandbox) -> None:
    client = client_for(sandbox)

    first = client.create_gift_card("KyufuK2", 10_000)
    again = client.create_gift_card("KyufuK2", 10_000)

    assert again.claim_code == first.claim_code
    assert sandbox.agcod.issued_count("KyufuK2") == 1


def test_a_bad_signature_is_a_permanent_error(sandbox: Sandbox) -> None:
    with pytest.raises(AgcodError) as raised:
        client_for(sandbox, secret="wrong-secret").create_gift_card("KyufuK3", 10_000)

    assert (raised.value.code, raised.value.permanent) == ("F200", True)
    assert not raised.value.outcome_unknown
    assert not sandbox.agcod.issued


def test_a_timeout_is_an_unknown_outcome_settled_by_the_same_id(
    sandbox: Sandbox,
) -> None:
    client = client_for(sandbox)
    sandbox.agcod.fail_next(1, "delay", delay=1.0)

    with pytest.raises(AgcodError) as raised:
        client.create_gift_card("KyufuK4", 10_000)
    assert raised.value.outcome_unknown and not raised.value.permanent

    card = client.create_gift_card("KyufuK4", 10_000)

    assert sandbox.agcod.issued_count("KyufuK4") == 1
    assert card.claim_code == sandbox.agcod.cards["KyufuK4"].claim_code


@pytest.mark.parametrize(
    ("mode", "code", "permanent", "unknown"),
    [
        ("resend", "F400", False, False),
        ("throttle", None, False, False),
        ("error500", "F500", True, True),
    ],
)
def test_provider_faults_are_classified(
    sandbox: Sandbox, mode: str, code: str | None, permanent: bool, unknown: bool
) -> None:
    sandbox.agcod.fail_next(1, mode)

    with pytest.raises(AgcodError) as raised:
        client_for(sandbox).create_gift_card("KyufuK5", 10_000)

    error = raised.value
    assert (error.code, error.permanent, error.outcome_unknown) == (
        code,
        permanent,
        unknown,
    )


def test_insufficient_funds_is_permanent(sandbox: Sandbox) -> None:
    sandbox.agcod.available_funds = 5_000

    with pytest.raises(AgcodError) as raised:
        client_for(sandbox).create_gift_card("KyufuK6", 10_000)

    assert (raised.value.code, raised.value.error_type) == ("F300", "InsufficientFunds")
    assert raised.value.permanent and not raised.value.outcome_unknown


def test_available_funds_are_read_in_yen(sandbox: Sandbox) -> None:
    sandbox.agcod.available_funds = 1_234_000

    assert client_for(sandbox).get_available_funds() == 1_234_000


def test_an_unreachable_endpoint_raises_only_agcod_error() -> None:
    client = AgcodClient("http://127.0.0.1:9", AGCOD_KEY, AGCOD_SECRET, "Kyufu")

    with pytest.raises(AgcodError) as raised:
        client.create_gift_card("KyufuK7", 10_000)

    assert not raised.value.permanent


def test_java_dates_from_amazon_are_parsed_as_utc() -> None:
    assert parse_java_date("Thu Jun 10 14:59:59 UTC 2032") == datetime(
        2032, 6, 10, 14, 59, 59, tzinfo=UTC
    )
    assert parse_java_date(None) is None
