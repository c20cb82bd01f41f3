"""Importing the eligible list: all rows or none, errors by physical line."""

from datetime import date
from typing import Any

import pytest

from kyufu.audit.models import AuditEvent
from kyufu.eligibility.models import EligibleListImport, EligiblePerson
from kyufu.eligibility.services import import_eligible_list

HEADER = "宛名番号,氏名,フリガナ,生年月日,住所\r\n"
GOOD_ROWS = (
    "000001,山田 花子,ヤマダ ハナコ,1985-04-12,かもめ市中央1-2-3\r\n"
    "000002,鈴木 一郎,すずき いちろう,昭和60年4月12日,かもめ市港町4-5\r\n"
    "000003,佐藤 次郎,ｻﾄｳ ｼﾞﾛｳ,H2.3.15,\r\n"
)


def run_import(programme: Any, text: str, actor: Any, encoding: str = "utf-8") -> Any:
    return import_eligible_list(
        programme, text.encode(encoding), file_name="list.csv", actor=actor
    )


def people(programme: Any) -> dict[str, EligiblePerson]:
    return {p.resident_code: p for p in programme.eligible_people.all()}


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")],
)
def test_a_clean_file_is_imported_in_any_registry_encoding(
    programme: Any, carol: Any, encoding: str, reported: str
) -> None:
    result = run_import(programme, HEADER + GOOD_ROWS, carol, encoding)

    assert (result.status, result.row_count, result.errors) == ("succeeded", 3, [])
    assert result.encoding == reported
    assert set(people(programme)) == {"000001", "000002", "000003"}


def test_era_dates_and_kana_forms_are_normalised(programme: Any, carol: Any) -> None:
    run_import(programme, HEADER + GOOD_ROWS, carol)

    suzuki, sato = people(programme)["000002"], people(programme)["000003"]
    assert suzuki.birth_date == date(1985, 4, 12)
    assert (suzuki.furigana, suzuki.furigana_key) == (
        "スズキ イチロウ",
        "スズキイチロウ",
    )
    assert sato.furigana == "サトウ ジロウ"
    assert sato.birth_date == date(1990, 3, 15)
    assert sato.address == ""


def test_english_and_alternative_headers_are_accepted(
    programme: Any, carol: Any
) -> None:
    text = (
        "resident_code,full_name,氏名カナ,birth_date,区分\n"
        "000009,高橋 三郎,タカハシ サブロウ,1970/1/2,A,,\n"  # Excel's trailing cells
    )
    result = run_import(programme, text, carol)

    assert result.status == "succeeded"
    assert people(programme)["000009"].furigana_key == "タカハシサブロウ"


def test_a_bad_date_is_reported_with_its_line_and_nothing_is_imported(
    programme: Any, carol: Any
) -> None:
    text = HEADER + GOOD_ROWS + "000004,田中 健太,タナカ ケンタ,1985/13/01,\r\n"

    result = run_import(programme, text, carol)

    assert result.status == "failed"
    assert result.errors == [
        {"line": 5, "message": "5行目: 生年月日「1985/13/01」は日付として読めません。"}
    ]
    assert not EligiblePerson.objects.exists()


def test_every_bad_row_is_reported_by_physical_line(programme: Any, carol: Any) -> None:
    text = (
        HEADER
        + '000001,"山田\n花子",ヤマダ ハナコ,1985-04-12,\n'  # a quoted line break
        + "000002,,スズキ イチロウ,1990-01-31,\n"
        + "\n"
        + "000003,佐藤 次郎,佐藤,1979-11-03,\n"
        + "000004,田中 健太,タナカ ケンタ\n"
    )

    result = run_import(programme, text, carol)

    assert result.errors == [
        {"line": 4, "message": "4行目: 氏名が空欄です。"},
        {"line": 6, "message": "6行目: フリガナ「佐藤」はカタカナではありません。"},
        {
            "line": 7,
            "message": "7行目: 列の数が3個ですが、見出し行は5個です。",
        },
    ]
    assert not EligiblePerson.objects.exists()


def test_a_resident_code_twice_in_the_file_is_refused(
    programme: Any, carol: Any
) -> None:
    text = HEADER + GOOD_ROWS + "000001,山田 花子,ヤマダ ハナコ,1985-04-12,\r\n"

    result = run_import(programme, text, carol)

    assert result.errors == [
        {"line": 5, "message": "5行目: 宛名番号「000001」は2行目と重複しています。"}
    ]
    assert not EligiblePerson.objects.exists()


def test_a_missing_column_is_reported_on_the_header_line(
    programme: Any, carol: Any
) -> None:
    result = run_import(programme, "宛名番号,氏名,生年月日\n1,山田,1985-04-12\n", carol)

    assert result.errors == [
        {"line": 1, "message": "1行目: 必須の列「フリガナ」がありません。"}
    ]


def test_a_file_in_neither_encoding_is_refused(programme: Any, carol: Any) -> None:
    header = b"resident_code,full_name,furigana,birth_date\r\n"
    data = header + b"000001,\x82\xff,\x80\x80,1985-04-12\r\n"

    result = import_eligible_list(programme, data, file_name="x.csv", actor=carol)

    assert result.status == "failed"
    assert result.errors[0]["line"] == 2


def test_reimport_updates_people_in_place_and_keeps_their_payouts(
    programme: Any, carol: Any
) -> None:
    run_import(programme, HEADER + GOOD_ROWS, carol)
    before = people(programme)["000001"].pk

    moved = HEADER + "000001,山田 花子,ヤマダ ハナコ,1985-04-12,かもめ市北町9\r\n"
    result = run_import(programme, moved, carol)

    hanako = people(programme)["000001"]
    assert (hanako.pk, hanako.address) == (before, "かもめ市北町9")
    assert hanako.source_import == result
    assert programme.eligible_people.count() == 3


def test_large_files_are_inserted_in_batches(
    programme: Any, carol: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kyufu.eligibility.bulk.BATCH_SIZE", 7)
    rows = "".join(f"{n:06d},住民 {n},ジュウミン,1980-01-01,\n" for n in range(1, 51))

    result = run_import(programme, HEADER + rows, carol)

    assert (result.status, result.row_count) == ("succeeded", 50)
    assert programme.eligible_people.count() == 50


def test_each_import_is_audited_with_its_outcome(programme: Any, carol: Any) -> None:
    ok = run_import(programme, HEADER + GOOD_ROWS, carol)
    bad = run_import(programme, HEADER + "1,,,,\n", carol)

    events = AuditEvent.objects.filter(action="eligibility.list_imported")
    statuses = {e.object_id: (e.after or {}).get("status") for e in events}
    assert statuses == {str(ok.pk): "succeeded", str(bad.pk): "failed"}
    assert {e.actor_label for e in events} == {"carol"}
    assert EligibleListImport.objects.count() == 2


def test_staff_of_another_municipality_cannot_import(
    programme: Any, mallory: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(programme, HEADER + GOOD_ROWS, mallory)
    assert not EligibleListImport.objects.exists()
