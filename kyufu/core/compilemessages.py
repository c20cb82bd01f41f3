"""Compile gettext .po catalogues to .mo without GNU gettext installed.

Django's own compilemessages needs msgfmt; a fresh machine with only Python
has none, so the compiled catalogues are committed and this module rebuilds
them. `python -m kyufu.core.compilemessages [--check] [FILE.po ...]`
compiles every kyufu/**/locale/*/LC_MESSAGES/django.po by default; --check
fails when a .mo is stale or an entry is untranslated or fuzzy.
"""

import argparse
import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class PoEntry:
    def __init__(self) -> None:
        self.msgctxt: str | None = None
        self.msgid = ""
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.fuzzy = False


def _unquote(line: str) -> str:
    return str(ast.literal_eval(line))


def parse_po(text: str) -> list[PoEntry]:
    """Parse a .po file into entries (obsolete #~ entries are skipped)."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    field: tuple[str, int] | None = None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if field is not None:
                entries.append(entry)
            entry, field = PoEntry(), None
            continue
        starts_entry = line.startswith(("msgctxt", "msgid ", "#"))
        if starts_entry and entry.msgstr and field is not None:
            # A new entry without a blank line before it.
            entries.append(entry)
            entry, field = PoEntry(), None
        if line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        if line.startswith("#"):
            continue
        field = _parse_line(entry, line, field)
    return entries


def _parse_line(
    entry: PoEntry, line: str, field: tuple[str, int] | None
) -> tuple[str, int] | None:
    if line.startswith('"'):
        if field is None:
            raise ValueError(f"continuation without a field: {line}")
        _append(entry, field, _unquote(line))
        return field
    keyword, _, rest = line.partition(" ")
    if keyword.startswith("msgstr["):
        field = ("msgstr", int(keyword[7:-1]))
    elif keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
        field = (keyword, 0)
    else:
        raise ValueError(f"unknown line: {line}")
    _append(entry, field, _unquote(rest), start=True)
    return field


def _append(
    entry: PoEntry, field: tuple[str, int], value: str, start: bool = False
) -> None:
    name, index = field
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + value
    else:
        current = "" if start else (getattr(entry, name) or "")
        setattr(entry, name, current + value)


def build_mo(entries: list[PoEntry]) -> bytes:
    """Serialise entries into the GNU .mo format (what msgfmt writes)."""
    catalogue: dict[bytes, bytes] = {}
    for e in entries:
        if e.fuzzy and e.msgid:
            continue
        if not all(e.msgstr.values()) and e.msgid:
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        value = "\0".join(e.msgstr[i] for i in sorted(e.msgstr))
        catalogue[key.encode()] = value.encode()
    keys = sorted(catalogue)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(catalogue[k] + b"\0" for k in keys)
    header_size = 7 * 4
    table_size = len(keys) * 8
    ids_start = header_size + 2 * table_size
    strs_start = ids_start + len(ids)
    id_table, str_table = [], []
    id_offset = str_offset = 0
    for k in keys:
        id_table += [len(k), ids_start + id_offset]
        str_table += [len(catalogue[k]), strs_start + str_offset]
        id_offset += len(k) + 1
        str_offset += len(catalogue[k]) + 1
    header = struct.pack(
        "<7I", 0x950412DE, 0, len(keys), header_size, header_size + table_size, 0, 0
    )
    tables = struct.pack(f"<{len(id_table)}I", *id_table)
    tables += struct.pack(f"<{len(str_table)}I", *str_table)
    return header + tables + ids + strs


def problems(entries: list[PoEntry]) -> list[str]:
    """Entries a resident or clerk would see in English: untranslated or fuzzy."""
    found = []
    for e in entries:
        if not e.msgid:
            continue
        if e.fuzzy:
            found.append(f"fuzzy: {e.msgid!r}")
        elif not all(e.msgstr.values()) or not e.msgstr:
            found.append(f"untranslated: {e.msgid!r}")
    return found


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    failures: list[str] = []
    for po in args.files or catalogues():
        entries = parse_po(po.read_text(encoding="utf-8"))
        mo_path = po.with_suffix(".mo")
        compiled = build_mo(entries)
        if args.check:
            failures += [f"{po}: {p}" for p in problems(entries)]
            if not mo_path.exists() or mo_path.read_bytes() != compiled:
                failures.append(
                    f"{mo_path}: stale, run python -m kyufu.core.compilemessages"
                )
        else:
            mo_path.write_bytes(compiled)
    for failure in failures:
        print(failure, file=sys.stderr)  # noqa: T201
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
