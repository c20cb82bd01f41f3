"""manage.py import_eligible_list: a clerk's view of the outcome."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kyufu.eligibility.models import EligibleListImport

HEADER = "宛名番号,氏名,フリガナ,生年月日\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "対象者.csv"
    path.write_bytes(text.encode("cp932"))
    return path


def test_a_clean_file_reports_the_row_count(
    programme: Any, carol: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEADER + "000001,山田 花子,ヤマダ ハナコ,S60.4.12\n")

    call_command("import_eligible_list", str(programme.pk), str(path), "--as", "carol")

    out = capsys.readouterr().out
    assert "対象者.csvから1件を取り込みました（文字コード: cp932）。" in out
    assert EligibleListImport.objects.get().uploaded_by == carol


def test_a_bad_file_exits_non_zero_with_line_numbered_errors(
    programme: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        HEADER + "000001,山田 花子,ヤマダ ハナコ,1985-04-12\n000002,鈴木,スズキ,不明\n",
    )

    with pytest.raises(CommandError) as raised:
        call_command("import_eligible_list", str(programme.pk), str(path))

    assert "3行目: 生年月日「不明」は日付として読めません。" in capsys.readouterr().err
    assert "何も取り込みませんでした" in str(raised.value)
    assert not programme.eligible_people.exists()


def test_the_command_exits_non_zero_for_an_unknown_programme(
    db: None, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="給付事業 999 は存在しません"):
        call_command("import_eligible_list", "999", str(tmp_path / "x.csv"))


def test_the_process_exit_status_is_non_zero_on_failure(
    programme: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + "000001,,,\n")

    with pytest.raises(SystemExit) as exited:
        call_command_as_cli(programme.pk, path)

    assert exited.value.code != 0


def call_command_as_cli(programme_id: int, path: Path) -> None:
    from django.core.management import ManagementUtility

    argv = ["manage.py", "import_eligible_list", str(programme_id), str(path)]
    ManagementUtility(argv).execute()
