"""Everything residents and clerks read has a Japanese translation.

The catalogues are checked for untranslated and fuzzy entries, and, where
GNU gettext is installed (CI installs it), the source strings are extracted
afresh so a string added to the code without a translation fails here.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kyufu.core.compilemessages import catalogues, parse_po, problems

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "core",
    "tenants",
    "audit",
    "programmes",
    "line",
    "intake",
    "eligibility",
    "payouts",
    "staff",
]


def translated_msgids() -> set[str]:
    found: set[str] = set()
    for po in catalogues():
        for entry in parse_po(po.read_text(encoding="utf-8")):
            if entry.msgid and all(entry.msgstr.values()) and not entry.fuzzy:
                found.add(entry.msgid)
    return found


def test_catalogues_are_complete_and_compiled() -> None:
    for po in catalogues():
        assert problems(parse_po(po.read_text(encoding="utf-8"))) == [], po
        assert po.with_suffix(".mo").exists(), f"compile {po}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
@pytest.mark.parametrize("app", APPS)
def test_every_string_in_the_code_is_translated(app: str, tmp_path: Path) -> None:
    copy = tmp_path / app
    shutil.copytree(ROOT / "kyufu" / app, copy, ignore=shutil.ignore_patterns("locale"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ja", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "kyufu.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
        },
    )
    extracted = copy / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    if not extracted.exists():
        return
    wanted = {e.msgid for e in parse_po(extracted.read_text(encoding="utf-8"))}
    missing = sorted(wanted - translated_msgids() - {""})
    assert missing == [], f"translate in kyufu/{app}/locale/ja: {missing}"
