"""Importing the eligible list from the browser: result, errors, who may."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kyufu.audit.models import AuditEvent
from kyufu.eligibility.models import EligibleListImport

HEADER = "宛名番号,氏名,フリガナ,生年月日,住所\r\n"
GOOD = (
    "100001,高橋 三郎,タカハシ サブロウ,1970-01-02,かもめ市中央1-1\r\n"
    "100002,田中 花,タナカ ハナ,昭和50年5月5日,\r\n"
)
BAD = (
    "100001,高橋 三郎,タカハシ サブロウ,1970-01-02,\r\n"
    "100002,田中 花,タナカ ハナ,not a date,\r\n"
    "100003,,ヤマモト,1980-01-01,\r\n"
)


def upload(client: Any, programme: Any, text: str, encoding: str = "utf-8") -> Any:
    csv_file = SimpleUploadedFile(
        "対象者.csv", text.encode(encoding), content_type="text/csv"
    )
    return client.post(
        reverse("staff:eligible_import"),
        {"programme": programme.pk, "file": csv_file},
        follow=True,
    )


def test_a_clean_list_is_imported_and_counted(
    login: Any, carol: Any, programme: Any
) -> None:
    response = upload(login(carol), programme, HEADER + GOOD, "cp932")

    result = response.context["result"]
    assert (result.status, result.row_count) == ("succeeded", 2)
    assert programme.eligible_people.count() == 2
    assert "子育て応援給付金 に 2 人を取り込みました。" in response.text
    assert response.redirect_chain[-1][0].endswith(f"?result={result.pk}")
    assert AuditEvent.objects.filter(action="eligibility.list_imported").count() == 1


def test_a_broken_list_shows_japanese_errors_by_line(
    login: Any, alice: Any, programme: Any
) -> None:
    response = upload(login(alice), programme, HEADER + BAD)

    result = response.context["result"]
    assert result.status == "failed"
    assert programme.eligible_people.count() == 0
    assert [error["line"] for error in result.errors] == [3, 4]
    assert "取り込みませんでした" in response.text
    for error in result.errors:
        assert error["message"].startswith(f"{error['line']}行目")
        assert error["message"] in response.text
        assert not error["message"].isascii()


def test_past_imports_are_listed(login: Any, carol: Any, programme: Any) -> None:
    client = login(carol)
    upload(client, programme, HEADER + GOOD)
    upload(client, programme, HEADER + BAD)

    response = client.get(reverse("staff:eligible_import"))

    assert [i.status for i in response.context["imports"]] == ["failed", "succeeded"]
    assert response.text.count("対象者.csv") == 2
    assert response.context["result"] is None


def test_the_form_needs_a_file(login: Any, carol: Any, programme: Any) -> None:
    response = login(carol).post(
        reverse("staff:eligible_import"), {"programme": programme.pk}
    )

    assert response.status_code == 200
    assert "このフィールドは必須です。" in response.text
    assert not EligibleListImport.objects.exists()


def test_an_approver_may_not_import(login: Any, bob: Any, programme: Any) -> None:
    client = login(bob)

    assert client.get(reverse("staff:eligible_import")).status_code == 403
    assert upload(client, programme, HEADER + GOOD).status_code == 403
    assert not EligibleListImport.objects.exists()
    assert "対象者リスト取込" not in client.get(reverse("staff:dashboard")).text


def test_mallory_cannot_import_into_kamomes_programme(
    login: Any, mallory: Any, programme: Any
) -> None:
    response = upload(login(mallory), programme, HEADER + GOOD)

    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert not EligibleListImport.objects.exists()


def test_mallory_cannot_read_kamomes_import_result(
    login: Any, carol: Any, mallory: Any, programme: Any
) -> None:
    upload(login(carol), programme, HEADER + GOOD)
    kamome_import = EligibleListImport.objects.get()

    response = login(mallory).get(
        reverse("staff:eligible_import"), {"result": kamome_import.pk}
    )

    assert response.context["result"] is None
    assert list(response.context["imports"]) == []
