"""The applications list: filters, pages, one municipality, audited names."""

from typing import Any

from django.urls import reverse

from kyufu.audit.models import AuditEvent
from kyufu.staff.views import PAGE_SIZE

from .conftest import make_application


def test_the_list_filters_by_status(login: Any, alice: Any, programme: Any) -> None:
    matched = make_application(programme, status="matched", full_name="山田 花子")
    make_application(programme, status="needs_review", full_name="鈴木 一郎")

    response = login(alice).get(reverse("staff:applications"), {"status": "matched"})

    assert [a.pk for a in response.context["page"]] == [matched.pk]
    assert "山田 花子" in response.text
    assert "鈴木 一郎" not in response.text
    assert "?status=matched" in response.text  # the CSV link keeps the filter


def test_an_unknown_status_filter_shows_everything(
    login: Any, alice: Any, programme: Any
) -> None:
    make_application(programme)

    response = login(alice).get(reverse("staff:applications"), {"status": "bogus"})

    assert response.status_code == 200
    assert len(response.context["page"]) == 1


def test_the_list_is_paginated_newest_first(
    login: Any, alice: Any, programme: Any
) -> None:
    created = [make_application(programme) for _ in range(PAGE_SIZE + 3)]

    first = login(alice).get(reverse("staff:applications"))
    second = login(alice).get(reverse("staff:applications"), {"page": 2})

    assert [a.pk for a in first.context["page"]][:1] == [created[-1].pk]
    assert len(second.context["page"]) == 3
    assert "全 53 件" in first.text
    assert "page=2" in first.text


def test_listing_names_is_audited(login: Any, alice: Any, programme: Any) -> None:
    application = make_application(programme)

    login(alice).get(reverse("staff:applications"))

    event = AuditEvent.objects.get(action="applications.listed")
    assert event.actor == alice
    assert event.after == {"application_ids": [application.pk]}


def test_mallory_sees_none_of_kamomes_applications(
    login: Any, mallory: Any, programme: Any, other_programme: Any
) -> None:
    make_application(programme, full_name="山田 花子")
    own = make_application(other_programme, full_name="海野 波子")

    response = login(mallory).get(
        reverse("staff:applications"), {"programme": programme.pk}
    )

    assert [a.pk for a in response.context["page"]] == [own.pk]
    assert "山田 花子" not in response.text
    assert programme.name not in response.text
