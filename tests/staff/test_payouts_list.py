"""The payouts list: outcomes of provider calls, never a gift code."""

from datetime import UTC, datetime
from typing import Any

from django.urls import reverse

from kyufu.payouts.models import PayoutStatus

from .conftest import make_application, make_payout


def test_payouts_show_status_amount_attempts_error_and_times(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    hanako, ichiro, _jiro = eligible_people
    make_payout(
        make_application(programme, person=hanako),
        status=PayoutStatus.DELIVERED,
        claim_code="GIFT-CODE-NEVER-SHOWN",
        attempts=1,
        issued_at=datetime(2026, 12, 3, 14, 30, tzinfo=UTC),
        delivered_at=datetime(2026, 12, 3, 14, 31, tzinfo=UTC),
    )
    make_payout(
        make_application(programme, person=ichiro),
        status=PayoutStatus.UNKNOWN,
        attempts=3,
        last_error="transient: 503 from the provider",
    )

    response = login(alice).get(reverse("staff:payouts"))

    text = response.text
    assert "GIFT-CODE-NEVER-SHOWN" not in text
    for expected in [
        "送付済み",
        "結果確認中",
        "transient: 503 from the provider",
        "2026-12-03 23:30",  # issued, in Japan time
        "2026-12-03 23:31",
        "10,000 円",
    ]:
        assert expected in text, expected


def test_the_claim_code_is_never_even_loaded(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    make_payout(
        make_application(programme, person=eligible_people[0]),
        claim_code="GIFT-CODE-NEVER-SHOWN",
    )

    response = login(alice).get(reverse("staff:payouts"))

    payout = response.context["page"][0]
    assert "claim_code" in payout.get_deferred_fields()


def test_payouts_filter_by_status(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    hanako, ichiro, _jiro = eligible_people
    failed = make_payout(
        make_application(programme, person=hanako), status=PayoutStatus.FAILED
    )
    make_payout(make_application(programme, person=ichiro))

    response = login(alice).get(reverse("staff:payouts"), {"status": "failed"})

    assert [p.pk for p in response.context["page"]] == [failed.pk]


def test_mallory_sees_none_of_kamomes_payouts(
    login: Any, mallory: Any, programme: Any, eligible_people: list[Any]
) -> None:
    make_payout(make_application(programme, person=eligible_people[0]))

    response = login(mallory).get(reverse("staff:payouts"))

    assert list(response.context["page"]) == []
