"""The applications CSV: opens cleanly in Excel, one row each, audited."""

import csv
import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from kyufu.audit.models import AuditEvent
from kyufu.payouts.models import PayoutStatus
from kyufu.staff import exports

from .conftest import make_application, make_payout

HEADER = [
    "申請番号",
    "状態",
    "氏名",
    "フリガナ",
    "生年月日",
    "申請日時 (JST)",
    "給付状況",
    "給付額",
]


def download(client: Client, **params: str) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(reverse("staff:applications_csv"), params)
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


def rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_file_is_utf8_with_bom_crlf_and_a_japanese_header(
    login: Any, alice: Any, programme: Any
) -> None:
    make_application(programme)

    response, body = download(login(alice))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8").startswith("\ufeff申請番号,")
    assert body.count(b"\r\n") == 2
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert rows(body)[0] == HEADER


def test_one_row_per_application_with_payout_and_japan_time(
    login: Any, alice: Any, programme: Any, eligible_people: list[Any]
) -> None:
    paid = make_application(
        programme,
        status="paid",
        person=eligible_people[0],
        submitted_at=datetime(2026, 12, 3, 14, 30, tzinfo=UTC),
    )
    make_payout(paid, status=PayoutStatus.DELIVERED, claim_code="NEVER-IN-CSV")
    waiting = make_application(
        programme,
        status="needs_review",
        full_name="鈴木 一郎",
        furigana="スズキ イチロウ",
    )

    _response, body = download(login(alice))

    assert rows(body)[1:] == [
        [
            str(paid.pk),
            "支給済み",
            "山田 花子",
            "ヤマダ ハナコ",
            "1985-04-12",
            "2026-12-03 23:30:00",
            "送付済み",
            "10000",
        ],
        [str(waiting.pk), "要確認", "鈴木 一郎", "スズキ イチロウ", "", "", "", ""],
    ]
    assert b"NEVER-IN-CSV" not in body


def test_commas_quotes_and_formulas_are_escaped(
    login: Any, alice: Any, programme: Any
) -> None:
    make_application(programme, full_name='山田, "花子"', furigana="=HYPERLINK(1)")

    _response, body = download(login(alice))

    assert '"山田, ""花子"""' in body.decode("utf-8-sig")
    assert rows(body)[1][2:4] == ['山田, "花子"', "'=HYPERLINK(1)"]


def test_the_export_follows_the_status_filter(
    login: Any, alice: Any, programme: Any
) -> None:
    matched = make_application(programme, status="matched")
    make_application(programme, status="not_eligible")

    _response, body = download(login(alice), status="matched")

    assert [row[0] for row in rows(body)[1:]] == [str(matched.pk)]


def test_the_file_name_is_japanese_with_an_ascii_fallback(
    login: Any, alice: Any, programme: Any
) -> None:
    response, _body = download(login(alice))

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="applications_')
    ascii_part, utf8_part = disposition.split("; filename*=UTF-8''")
    assert ascii_part.isascii() and utf8_part.isascii()
    assert unquote(utf8_part).startswith("申請一覧_")
    assert unquote(utf8_part).endswith(".csv")


def test_exporting_is_audited(login: Any, alice: Any, programme: Any) -> None:
    download(login(alice), status="matched", programme=str(programme.pk))

    event = AuditEvent.objects.get(action="applications.exported")
    assert (event.actor, event.municipality) == (alice, programme.municipality)
    assert event.after == {
        "format": "csv",
        "status": "matched",
        "programme": programme.pk,
    }


def test_mallory_exports_none_of_kamomes_rows(
    login: Any, mallory: Any, programme: Any, other_programme: Any
) -> None:
    make_application(programme, full_name="山田 花子")
    own = make_application(other_programme, full_name="海野 波子")

    _response, body = download(login(mallory), programme=str(programme.pk))

    assert [row[0] for row in rows(body)[1:]] == [str(own.pk)]
    assert "山田 花子" not in body.decode("utf-8-sig")


def test_many_rows_stream_in_several_chunks(programme: Any) -> None:
    for _ in range(exports.CHUNK_SIZE + 1):
        make_application(programme)

    chunks = list(exports.application_csv(programme.applications.all()))

    assert len(chunks) == 2
    assert "".join(chunks).count("\r\n") == exports.CHUNK_SIZE + 2
