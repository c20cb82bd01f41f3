"""Reading an eligible-list CSV from the resident registry, row by row.

The file comes from Excel or the registry system: UTF-8 with or without a
BOM, or cp932 (Shift_JIS). Every row is checked and either yielded as a
clean EligibleRow or as LineErrors carrying the physical line number staff
see in Excel (the header is line 1). A quote left open swallows the rest of
the file; it is reported on the line it opens, and reading stops there.
"""

import codecs
import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from kyufu.core.japanese import (
    DateParseError,
    first_invisible,
    furigana_key,
    is_katakana_name,
    normalise_name,
    normalise_spaces,
    parse_japanese_date,
    to_katakana,
)

# Field -> accepted header names, compared after NFKC and lower-casing.
COLUMNS: dict[str, tuple[str, ...]] = {
    "resident_code": ("宛名番号", "resident_code"),
    "full_name": ("氏名", "full_name"),
    "furigana": ("フリガナ", "氏名カナ", "カナ", "ふりがな", "furigana"),
    "birth_date": ("生年月日", "birth_date"),
    "address": ("住所", "address"),
}
REQUIRED = ("resident_code", "full_name", "furigana", "birth_date")
# Column widths of EligiblePerson, checked here so no row fails in the INSERT.
MAX_LENGTHS = {"resident_code": 32, "full_name": 100, "furigana": 100, "address": 255}


@dataclass(frozen=True, slots=True)
class EligibleRow:
    line: int
    resident_code: str
    full_name: str
    furigana: str
    furigana_key: str
    birth_date: date
    address: str


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    message: str

    def as_dict(self) -> dict[str, int | str]:
        return {"line": self.line, "message": self.message}


class UnreadableFile(Exception):
    """The file cannot be read at all (encoding, header); nothing to import."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: utf-8-sig, utf-8 or cp932."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data, "utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _decode_as(data, "cp932"), "cp932"


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = _(
            "Line %(line)d: the file is neither UTF-8 nor Shift_JIS (cp932); "
            "save it again as CSV (UTF-8)."
        ) % {"line": line}
        raise UnreadableFile([LineError(line, message)]) from exc


def read_rows(text: str) -> Iterator[EligibleRow | LineError]:
    """Each data row of the CSV text: a clean row, or its errors."""
    reader = csv.reader(io.StringIO(text, newline=""))
    parser = RowParser(_header(reader))
    last_line = reader.line_num
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and Excel's empty ",,,," rows
            yield from parser.parse(line, cells)
    except csv.Error:
        # The reader gave up inside a record that began on the next line.
        yield LineError(last_line + 1, _unreadable_message(last_line + 1))


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader, None)
    except csv.Error:
        raise UnreadableFile([LineError(1, _unreadable_message(1))]) from None
    if header is None:
        raise UnreadableFile([LineError(1, _("Line 1: the file is empty."))])
    return header


def _invisible_message() -> str:
    return _(
        "Line %(line)d: %(column)s contains an invisible or control character "
        "(%(code)s); delete it and save the file again."
    )


def _unreadable_message(line: int) -> str:
    # In the reader's lenient mode only a cell over the field size limit
    # fails, which is what an unclosed quote makes of the rest of the file.
    return _(
        'Line %(line)d: a quotation mark (") is not closed, or a cell is too '
        "long; the file cannot be read from this line on."
    ) % {"line": line}


class RowParser:
    """Turns the cells of one row into an EligibleRow, given the header."""

    def __init__(self, header: list[str]) -> None:
        self.labels = [cell.strip() for cell in header]
        self.index = _map_header(self.labels)
        self.seen: dict[str, int] = {}

    def parse(self, line: int, cells: list[str]) -> Iterator[EligibleRow | LineError]:
        cells = _without_trailing_blanks(cells, len(self.labels))
        if len(cells) != len(self.labels):
            yield LineError(line, _column_count_message(line, cells, self.labels))
            return
        values = {field: cells[i].strip() for field, i in self.index.items()}
        invisible = self._invisible(line, values)
        if invisible:
            # The other checks would quote the cell, character and all.
            yield from (LineError(line, message) for message in invisible)
            return
        problems: list[str] = []
        self._check_filled(line, values, problems)
        code = self._resident_code(line, values["resident_code"], problems)
        born = self._birth_date(line, values["birth_date"], problems)
        furigana = self._furigana(line, values["furigana"], problems)
        if problems or born is None:
            yield from (LineError(line, message) for message in problems)
            return
        yield EligibleRow(
            line=line,
            resident_code=code,
            full_name=normalise_name(values["full_name"]),
            furigana=furigana,
            furigana_key=_furigana_key(furigana),
            birth_date=born,
            address=normalise_spaces(values.get("address", "")),
        )

    def _invisible(self, line: int, values: dict[str, str]) -> list[str]:
        """Control and invisible characters: NUL, BEL, U+200B, U+202E, ..."""
        if first_invisible("".join(values.values())) is None:
            return []  # one check for the whole row: nearly every row
        found = {field: first_invisible(value) for field, value in values.items()}
        return [
            self._say(_invisible_message(), line, field, code=f"U+{ord(char):04X}")
            for field, char in found.items()
            if char is not None
        ]

    def _check_filled(self, line: int, values: dict[str, str], out: list[str]) -> None:
        for field in REQUIRED:
            if not values[field]:
                out.append(
                    self._say(_("Line %(line)d: %(column)s is empty."), line, field)
                )
        for field, limit in MAX_LENGTHS.items():
            if len(values.get(field, "")) > limit:
                message = _(
                    "Line %(line)d: %(column)s is longer than %(limit)d characters."
                )
                out.append(self._say(message, line, field, limit=limit))

    def _resident_code(self, line: int, value: str, out: list[str]) -> str:
        code = _normalise_code(value)
        first = self.seen.setdefault(code, line) if code else line
        if first != line:
            message = _(
                "Line %(line)d: %(column)s “%(value)s” is already on line %(first)d."
            )
            out.append(
                self._say(message, line, "resident_code", value=value, first=first)
            )
        return code

    def _birth_date(self, line: int, value: str, out: list[str]) -> date | None:
        if not value:
            return None
        try:
            return _parse_date(value)
        except DateParseError:
            message = _("Line %(line)d: %(column)s “%(value)s” is not a readable date.")
            out.append(self._say(message, line, "birth_date", value=value))
            return None

    def _furigana(self, line: int, value: str, out: list[str]) -> str:
        # Registry exports are mostly clean katakana already: skip the work.
        furigana = value if _CLEAN_KATAKANA.match(value) else to_katakana(value)
        if value and not is_katakana_name(furigana):
            message = _("Line %(line)d: %(column)s “%(value)s” is not in katakana.")
            out.append(self._say(message, line, "furigana", value=value))
        return furigana

    def _say(self, message: str, line: int, field: str, **params: object) -> str:
        """Fill a message; the column is named as in the file, as Excel shows it."""
        column = self.labels[self.index[field]]
        return message % {"line": line, "column": column, **params}


# Full-width katakana words split by single half-width spaces: exactly what
# to_katakana returns for them, so it need not run.
_CLEAN_KATAKANA = re.compile(r"^[ァ-ヺー]+(?: [ァ-ヺー]+)*$")


@functools.lru_cache(maxsize=100_000)
def _parse_date(value: str) -> date:
    # A million residents have only some 40,000 distinct birth dates.
    return parse_japanese_date(value)


def _furigana_key(furigana: str) -> str:
    if _CLEAN_KATAKANA.match(furigana):
        return furigana.replace(" ", "")
    return furigana_key(furigana)


def _map_header(labels: list[str]) -> dict[str, int]:
    aliases = {
        _header_key(name): field for field, names in COLUMNS.items() for name in names
    }
    index: dict[str, int] = {}
    errors: list[LineError] = []
    for position, label in enumerate(labels):
        field = aliases.get(_header_key(label))
        if field is None:
            continue  # other registry columns are allowed and ignored
        if field in index:
            message = _("Line 1: the column “%(column)s” appears twice.")
            errors.append(LineError(1, message % {"column": label}))
        index.setdefault(field, position)
    for field in REQUIRED:
        if field not in index:
            message = _("Line 1: the required column “%(column)s” is missing.")
            errors.append(LineError(1, message % {"column": COLUMNS[field][0]}))
    if errors:
        raise UnreadableFile(errors)
    return index


def _header_key(label: str) -> str:
    return unicodedata.normalize("NFKC", label).strip().lower().replace(" ", "")


def _normalise_code(code: str) -> str:
    # Full-width digits from hand-edited files become ASCII.
    return unicodedata.normalize("NFKC", code).strip()


def _without_trailing_blanks(cells: list[str], width: int) -> list[str]:
    # Excel keeps empty cells right of the table once they were ever edited.
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        return cells[:width]
    return cells


def _column_count_message(line: int, cells: list[str], labels: list[str]) -> str:
    return _(
        "Line %(line)d: the row has %(found)d columns but the header has %(expected)d."
    ) % {"line": line, "found": len(cells), "expected": len(labels)}
