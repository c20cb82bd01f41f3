"""Every staff page needs a log-in, and a membership of a municipality."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

PAGES = [
    ("staff:dashboard", {}),
    ("staff:dashboard_panel", {}),
    ("staff:applications", {}),
    ("staff:application_detail", {"pk": 1}),
    ("staff:applications_csv", {}),
    ("staff:payouts", {}),
    ("staff:eligible_import", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, db: None, name: str, kwargs: dict[str, Any]
) -> None:
    url = reverse(name, kwargs=kwargs)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('staff:login')}?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_user_without_a_municipality_is_refused(
    client: Client, db: None, name: str, kwargs: dict[str, Any]
) -> None:
    client.force_login(User.objects.create_user("stray", password="x-y-z-w-v"))

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_alice_logs_in_and_lands_on_the_dashboard(client: Client, alice: Any) -> None:
    response = client.post(
        reverse("staff:login"),
        {"username": "alice", "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:dashboard")


def test_a_wrong_password_is_refused_in_japanese(client: Client, alice: Any) -> None:
    response = client.post(
        reverse("staff:login"), {"username": "alice", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.text


def test_logout_is_a_post_and_ends_the_session(client: Client, alice: Any) -> None:
    client.force_login(alice)

    response = client.post(reverse("staff:logout"))

    assert response.status_code == 302
    assert client.get(reverse("staff:dashboard")).status_code == 302
