"""The dashboard: budget, applications per Japan-time day, status shares."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kyufu.intake.models import ApplicationStatus
from kyufu.payouts.models import PayoutStatus
from kyufu.staff import metrics

from .conftest import make_application, make_payout

JST = ZoneInfo("Asia/Tokyo")
UTC = ZoneInfo("UTC")


def test_budget_counts_paid_and_reserved_against_the_budget(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    hanako, ichiro, jiro = eligible_people
    make_payout(make_application(programme, person=hanako), status="delivered")
    make_payout(make_application(programme, person=ichiro), status="unknown")
    make_payout(make_application(programme, person=jiro), status="failed")

    response = login(alice).get(reverse("staff:dashboard"))

    assert response.status_code == 200
    assert response.context["budget"] == {
        "budget": 30_000,
        "paid": 10_000,
        "reserved": 10_000,
        "remaining": 10_000,
    }
    assert "30,000 円" in response.text
    charts = response.context["charts"]
    assert [item["value"] for item in charts["budget"]["series"]] == [
        10_000,
        10_000,
        10_000,
    ]
    assert 'id="dashboard-data" type="application/json"' in response.text


def test_applications_are_counted_by_japan_time_day(programme: Any) -> None:
    # 23:30 JST on 3 December is 14:30 UTC the same day; 00:30 JST on
    # 4 December is still 3 December in UTC.
    late_evening = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    after_midnight = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)
    make_application(programme, submitted_at=late_evening)
    make_application(programme, submitted_at=after_midnight)
    make_application(programme, submitted_at=after_midnight + timedelta(minutes=5))
    make_application(programme, status=ApplicationStatus.IN_PROGRESS)

    series = metrics.applications_per_day(programme, today=date(2026, 12, 4))

    assert len(series) == 30
    assert series[0][0] == date(2026, 11, 5)
    assert series[-2:] == [(date(2026, 12, 3), 1), (date(2026, 12, 4), 2)]
    assert sum(count for _day, count in series) == 3


def test_days_outside_the_window_are_left_out(programme: Any) -> None:
    make_application(programme, submitted_at=datetime(2026, 11, 4, 23, 59, tzinfo=JST))
    make_application(programme, submitted_at=datetime(2026, 11, 5, 0, 0, tzinfo=JST))
    make_application(programme, submitted_at=datetime(2026, 12, 5, 0, 0, tzinfo=JST))

    series = metrics.applications_per_day(programme, today=date(2026, 12, 4))

    assert series[0] == (date(2026, 11, 5), 1)
    assert sum(count for _day, count in series) == 1


def test_todays_applications_reach_the_chart(
    login: Any, alice: Any, programme: Any
) -> None:
    make_application(programme, submitted_at=datetime.now(tz=UTC))

    response = login(alice).get(reverse("staff:dashboard"))

    assert response.context["charts"]["daily"]["counts"][-1] == 1


def test_status_percentages_add_up_to_exactly_100(programme: Any) -> None:
    for status in ["submitted", "matched", "needs_review"]:
        make_application(programme, status=status)

    shares = {share.status: share for share in metrics.status_breakdown(programme)}

    assert [share.count for share in shares.values()] == [0, 1, 1, 1, 0, 0, 0, 0]
    assert sum(share.percent for share in shares.values()) == 100
    assert sorted(share.percent for share in shares.values() if share.count) == [
        Decimal("33.3"),
        Decimal("33.3"),
        Decimal("33.4"),
    ]


@pytest.mark.parametrize(
    ("counts", "parts"),
    [
        ([1, 1, 1], [34, 33, 33]),
        ([2, 1, 1, 1, 1, 1], [29, 15, 14, 14, 14, 14]),
        ([0, 0], [0, 0]),
        ([7, 0], [100, 0]),
        ([1, 2, 3, 4, 5, 6, 7], [4, 7, 11, 14, 18, 21, 25]),
    ],
)
def test_largest_remainder_rounding(counts: list[int], parts: list[int]) -> None:
    result = metrics.largest_remainder(counts, whole=100)

    assert result == parts
    assert sum(result) == (100 if sum(counts) else 0)


def test_the_table_shows_counts_and_shares(
    login: Any, alice: Any, programme: Any
) -> None:
    make_application(programme, status="matched")

    response = login(alice).get(reverse("staff:dashboard"))

    assert "100.0%" in response.text
    assert response.context["total_applications"] == 1


def test_recent_payouts_never_carry_a_claim_code(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    application = make_application(programme, person=eligible_people[0])
    make_payout(application, status=PayoutStatus.ISSUED, claim_code="SECRET-CODE-1")

    response = login(alice).get(reverse("staff:dashboard"))

    assert "SECRET-CODE-1" not in response.text
    assert len(response.context["recent_payouts"]) == 1


def test_mallory_sees_only_her_own_municipality(
    login: Any,
    mallory: Any,
    programme: Any,
    other_programme: Any,
    eligible_people: list[Any],
) -> None:
    make_payout(make_application(programme, person=eligible_people[0]))

    response = login(mallory).get(
        reverse("staff:dashboard"), {"programme": programme.pk}
    )

    assert response.context["programmes"] == [other_programme]
    assert response.context["programme"] == other_programme
    assert response.context["budget"]["reserved"] == 0
    assert response.context["total_applications"] == 0
    assert programme.name not in response.text


def test_a_second_programme_is_chosen_with_the_selector(
    login: Any, alice: Any, programme: Any
) -> None:
    second = type(programme).objects.create(
        municipality=programme.municipality,
        form=programme.form,
        name="高齢者支援給付金",
        budget_yen=500_000,
        amount_yen=5_000,
        opens_at=programme.opens_at,
        closes_at=programme.closes_at,
    )
    client = login(alice)

    response = client.get(reverse("staff:dashboard"), {"programme": second.pk})

    assert response.context["programme"] == second
    assert '<select id="programme" name="programme">' in response.text
    assert response.context["budget"]["budget"] == 500_000


def test_the_panel_is_polled_by_htmx(login: Any, alice: Any, programme: Any) -> None:
    page = login(alice).get(reverse("staff:dashboard"))
    panel = login(alice).get(
        reverse("staff:dashboard_panel"), {"programme": programme.pk}
    )

    assert 'hx-trigger="every 10s"' in page.text
    assert "vendor/htmx.org/dist/htmx.min.js" in page.text
    assert "vendor/chart.js/dist/chart.umd.js" in page.text
    assert panel.status_code == 200
    assert "<html" not in panel.text
    assert 'id="dashboard-panel"' in panel.text


def test_a_municipality_without_programmes_gets_a_friendly_page(
    login: Any, alice: Any
) -> None:
    response = login(alice).get(reverse("staff:dashboard"))

    assert response.status_code == 200
    assert "programme" not in response.context
