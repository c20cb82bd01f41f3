"""Clerks read Japanese: the pages render from the compiled catalogues."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from kyufu.intake.models import ApplicationStatus
from kyufu.tenants.models import StaffRole


def in_language(language: str, label: Any) -> str:
    with translation.override(language):
        return str(label)


def japanese(label: Any) -> str:
    return in_language("ja", label)


def test_the_login_page_is_japanese(client: Any, db: None) -> None:
    response = client.get(reverse("staff:login"))

    assert '<html lang="ja">' in response.text
    assert "職員ログイン" in response.text
    assert "ユーザー名" in response.text


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("staff:dashboard", "ダッシュボード"),
        ("staff:applications", "申請一覧"),
        ("staff:payouts", "給付一覧"),
        ("staff:eligible_import", "対象者リスト取込"),
    ],
)
def test_pages_and_navigation_are_japanese(
    login: Any, alice: Any, programme: Any, name: str, heading: str
) -> None:
    response = login(alice).get(reverse(name))

    assert f"<h1>{heading}</h1>" in response.text
    for item in ["ダッシュボード", "申請一覧", "給付一覧", "対象者リスト取込"]:
        assert item in response.text
    assert "かもめ市" in response.text
    assert japanese(StaffRole.CASE_WORKER.label) in response.text


def test_labels_from_other_apps_are_translated(
    login: Any, alice: Any, programme: Any
) -> None:
    response = login(alice).get(reverse("staff:applications"))

    for status in ApplicationStatus:
        assert japanese(status.label) != in_language("en", status.label)
        assert f">{japanese(status.label)}</option>" in response.text
    assert "Case worker" not in response.text
