"""Every environment variable Kyufu reads is documented for operators."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
ENV_READ = re.compile(
    r"""\b(?:env|env_bool|env_float|_env|environ\.get)\(\s*["']([A-Z0-9_]+)["']"""
)


def variables_read_by(paths: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        names |= set(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_setting_variable_is_documented() -> None:
    sources = [ROOT / "kyufu" / "settings.py", *ROOT.glob("kyufu/sandbox/*.py")]
    sources += list(ROOT.glob("kyufu/core/management/commands/*.py"))
    undocumented = {n for n in variables_read_by(sources) if f"`{n}`" not in DOC}
    assert not undocumented, f"add to docs/configuration.md: {sorted(undocumented)}"


def test_the_scan_finds_the_settings() -> None:
    found = variables_read_by([ROOT / "kyufu" / "settings.py"])
    assert {"DATABASE_URL", "LINE_API_BASE_URL", "AGCOD_ENDPOINT"} <= found
