"""Refusals and missing pages read in Japanese, inside nobody else's data."""

from django.urls import reverse


def test_an_approver_is_told_in_japanese_that_import_is_not_for_them(
    client, bob
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(bob)
    response = client.get(reverse("staff:eligible_import"))
    assert response.status_code == 403
    assert "この操作は許可されていません" in response.content.decode()


def test_another_municipalitys_application_is_a_japanese_404(  # type: ignore[no-untyped-def]
    client, mallory, programme
) -> None:
    from kyufu.intake.models import Application

    application = Application.objects.create(programme=programme)
    client.force_login(mallory)
    response = client.get(reverse("staff:application_detail", args=[application.pk]))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
