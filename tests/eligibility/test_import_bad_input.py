"""Files the CSV reader or the database cannot take fail with a line, not a crash.

A stray quote makes the reader swallow the rest of the file into one cell,
and a NUL in a cell used to break PostgreSQL's COPY; both must end as a
failed import with line-numbered Japanese errors, nothing imported.
"""

from typing import Any

import pytest

from kyufu.audit.models import AuditEvent
from kyufu.eligibility.models import EligibleListImport, EligiblePerson

from .test_import import GOOD_ROWS, HEADER, people, run_import

QUOTE_ERROR = (
    '{line}行目: 引用符（"）の対応が取れていないか、セルが長すぎるため、'
    "この行から後ろを読み取れません。"
)


def many_rows(first: int, count: int) -> str:
    return "".join(
        f"{n:06d},鈴木 一郎,スズキ イチロウ,1990/1/31,\r\n"
        for n in range(first, first + count)
    )


def assert_failed_and_recorded(result: Any, errors: list[dict[str, Any]]) -> None:
    assert (result.status, result.errors) == ("failed", errors)
    assert EligibleListImport.objects.get(pk=result.pk).status == "failed"
    assert AuditEvent.objects.filter(
        action="eligibility.list_imported", object_id=str(result.pk)
    ).exists()


def test_a_stray_quote_that_swallows_the_file_is_reported_where_it_opens(
    programme: Any, carol: Any
) -> None:
    text = (
        HEADER
        + '000001,"山田 花子,ヤマダ ハナコ,1985/4/12,\r\n'  # never closed
        + many_rows(2, 5000)
    )

    result = run_import(programme, text, carol)

    assert_failed_and_recorded(
        result, [{"line": 2, "message": QUOTE_ERROR.format(line=2)}]
    )
    assert not EligiblePerson.objects.exists()


def test_errors_before_a_stray_quote_are_kept(programme: Any, carol: Any) -> None:
    text = (
        HEADER
        + many_rows(1, 3)
        + "000004,田中 健太,タナカ ケンタ,1985/13/01,\r\n"
        + '000005,佐藤 次郎,"サトウ ジロウ,1979/11/3,\r\n'
        + many_rows(6, 5000)
    )

    result = run_import(programme, text, carol)

    assert result.errors == [
        {"line": 5, "message": "5行目: 生年月日「1985/13/01」は日付として読めません。"},
        {"line": 6, "message": QUOTE_ERROR.format(line=6)},
    ]
    assert not EligiblePerson.objects.exists()


def test_a_stray_quote_in_the_header_is_reported_on_line_1(
    programme: Any, carol: Any
) -> None:
    text = '宛名番号,"氏名,フリガナ,生年月日\r\n' + many_rows(1, 5000)

    result = run_import(programme, text, carol)

    assert_failed_and_recorded(
        result, [{"line": 1, "message": QUOTE_ERROR.format(line=1)}]
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "000004,山田\x00花子,ヤマダ ハナコ,1985/4/12,",
            "5行目: 氏名に目に見えない文字や制御文字（U+0000）が含まれています。"
            "削除してから保存し直してください。",
        ),
        (
            "000004,山田 花子,ヤマダ\x07ハナコ,1985/4/12,",
            "5行目: フリガナに目に見えない文字や制御文字（U+0007）が含まれています。"
            "削除してから保存し直してください。",
        ),
        (
            "000004,山田 花子,ヤマダ ハナコ,1985/4/12,かもめ市\u202e中央",
            "5行目: 住所に目に見えない文字や制御文字（U+202E）が含まれています。"
            "削除してから保存し直してください。",
        ),
        (
            "0000\u200b04,山田 花子,ヤマダ ハナコ,1985/4/12,",
            "5行目: 宛名番号に目に見えない文字や制御文字（U+200B）が含まれています。"
            "削除してから保存し直してください。",
        ),
        (
            "000004,山田 花子,ヤマダ ハナコ,1985/4/12\x7f,",
            "5行目: 生年月日に目に見えない文字や制御文字（U+007F）が含まれています。"
            "削除してから保存し直してください。",
        ),
    ],
    ids=["nul", "bel", "rtl-override", "zero-width-space", "delete"],
)
def test_a_control_or_invisible_character_in_a_cell_is_a_line_error(
    programme: Any, carol: Any, row: str, message: str
) -> None:
    run_import(programme, HEADER + GOOD_ROWS, carol)
    before = {code: p.full_name for code, p in people(programme).items()}

    result = run_import(programme, HEADER + GOOD_ROWS + row + "\r\n", carol)

    assert_failed_and_recorded(result, [{"line": 5, "message": message}])
    after = {code: p.full_name for code, p in people(programme).items()}
    assert after == before, "all or nothing: the earlier list is untouched"


def test_invisible_characters_in_ignored_columns_do_not_matter(
    programme: Any, carol: Any
) -> None:
    text = (
        "宛名番号,氏名,フリガナ,生年月日,備考\r\n"
        "000001,山田 花子,ヤマダ ハナコ,1985/4/12,\x00\r\n"
    )

    result = run_import(programme, text, carol)

    assert result.status == "succeeded"


def test_line_breaks_and_tabs_inside_cells_are_only_spaces(
    programme: Any, carol: Any
) -> None:
    text = (
        HEADER + '000001,"山田\t花子","ヤマダ\nハナコ",1985/4/12,"かもめ市\r\n中央"\r\n'
    )

    result = run_import(programme, text, carol)

    assert result.status == "succeeded"
    hanako = people(programme)["000001"]
    assert (hanako.full_name, hanako.furigana, hanako.address) == (
        "山田 花子",
        "ヤマダ ハナコ",
        "かもめ市 中央",
    )


def test_furigana_without_a_single_kana_letter_is_refused(
    programme: Any, carol: Any
) -> None:
    text = HEADER + "000001,山田 花子,・・・,1985/4/12,\r\n"

    result = run_import(programme, text, carol)

    assert result.errors == [
        {"line": 2, "message": "2行目: フリガナ「・・・」はカタカナではありません。"}
    ]
