"""Japanese text for names and dates as residents type them.

Residents type furigana in hiragana, half-width kana or katakana, with or
without a full-width space, and dates in the Western calendar or with an
era. Matching needs one canonical form; this module is that form. Pasted text
also carries invisible characters (control codes, zero-width spaces,
direction overrides); none of them belongs in a name.
"""

import re
import unicodedata
from datetime import date

import jaconv

# Dash-like characters residents and registry exports use for the long vowel.
_LONG_VOWEL_VARIANTS = "-‐‑‒–—―−ｰ－~〜～"
_LONG_VOWEL_TABLE = str.maketrans(dict.fromkeys(_LONG_VOWEL_VARIANTS, "ー"))
_SPACES = re.compile(r"[\s\u3000]+")
_KATAKANA_NAME = re.compile(r"^[ァ-ヺー・ 　]+$")
# A reading needs at least one sound: ・, ー and spaces alone are not a name.
_KATAKANA_LETTER = re.compile(r"[ァ-ヺ]")
# Unicode "control" and "format" categories: NUL, BEL, U+200B, U+202E, ...
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


def _is_invisible(char: str) -> bool:
    # Tabs, newlines and the like are whitespace, which normalise_spaces turns
    # into one space; removing them would join the words they separate.
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES and not char.isspace()


def first_invisible(text: str) -> str | None:
    """The first control or format character in the text other than spaces."""
    # isprintable() is False for every such character, and for spaces other
    # than " ": skip the common case, full-width spaces included, quickly.
    if text.isprintable() or text.replace("\u3000", " ").isprintable():
        return None
    return next((c for c in text if _is_invisible(c)), None)


def strip_invisible(text: str) -> str:
    """The text without control and format characters; whitespace is kept."""
    if first_invisible(text) is None:
        return text
    return "".join(c for c in text if not _is_invisible(c))


def normalise_spaces(text: str) -> str:
    """Trim, and collapse any run of half- or full-width spaces into one."""
    return _SPACES.sub(" ", text).strip()


def to_katakana(text: str) -> str:
    """Hiragana, half-width kana and odd widths to full-width katakana.

    NFKC turns half-width kana (with their separate dakuten) into full-width
    ones; hira2kata then lifts hiragana. Spaces are kept but normalised,
    invisible characters dropped.
    """
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    text = jaconv.hira2kata(text).translate(_LONG_VOWEL_TABLE)
    return normalise_spaces(text)


def is_katakana_name(text: str) -> bool:
    """Full-width katakana (with ー, ・ and spaces) holding at least one sound."""
    return bool(_KATAKANA_NAME.match(text)) and bool(_KATAKANA_LETTER.search(text))


def furigana_key(text: str) -> str:
    """The furigana match key: full-width katakana with no spaces or dots."""
    return to_katakana(text).replace(" ", "").replace("・", "")


def normalise_name(text: str) -> str:
    """A kanji name as stored: NFKC widths, single half-width space, no
    invisible characters."""
    return normalise_spaces(unicodedata.normalize("NFKC", strip_invisible(text)))


# Japanese eras by their first day. A date before an era's first day
# belongs to the previous era, so 平成31年4月30日 is valid and 平成31年5月1日
# is not (that day is 令和元年5月1日).
ERAS: dict[str, tuple[date, str]] = {
    "明治": (date(1868, 1, 25), "M"),
    "大正": (date(1912, 7, 30), "T"),
    "昭和": (date(1926, 12, 25), "S"),
    "平成": (date(1989, 1, 8), "H"),
    "令和": (date(2019, 5, 1), "R"),
}
_ERA_BY_LETTER = {letter: name for name, (_, letter) in ERAS.items()}
_ERA_ORDER = list(ERAS)

_WESTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ERA_DATE = re.compile(
    r"^(明治|大正|昭和|平成|令和|[MTSHR])\.?\s*(元|\d{1,2})[-/.年]"
    r"\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?$"
)


class DateParseError(ValueError):
    """The text is not a date we understand, or not a real calendar date."""


def parse_japanese_date(text: str) -> date:
    """Parse 1985-04-12, 1985/4/12, 19850412, 昭和60年4月12日, S60.4.12, 令和元年…"""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    cleaned = re.sub(r"\s+", "", cleaned)
    if m := _WESTERN.match(cleaned) or _COMPACT.match(cleaned):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _ERA_DATE.match(cleaned):
        era = _ERA_BY_LETTER.get(m[1], m[1])
        era_year = 1 if m[2] == "元" else int(m[2])
        return _era_to_date(era, era_year, int(m[3]), int(m[4]))
    raise DateParseError(text)


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(f"{year}-{month}-{day}") from exc


def _era_to_date(era: str, era_year: int, month: int, day: int) -> date:
    if era_year < 1:
        raise DateParseError(f"{era}{era_year}")
    start, _letter = ERAS[era]
    result = _make_date(start.year + era_year - 1, month, day)
    next_index = _ERA_ORDER.index(era) + 1
    if result < start:
        raise DateParseError(f"{era} starts on {start}")
    if next_index < len(_ERA_ORDER) and result >= ERAS[_ERA_ORDER[next_index]][0]:
        raise DateParseError(f"{era} ended before {result}")
    return result


def format_japanese_date(value: date) -> str:
    """1985-04-12 -> 1985年4月12日（昭和60年）, as residents read dates back."""
    era_name = ""
    for name in reversed(_ERA_ORDER):
        start, _letter = ERAS[name]
        if value >= start:
            year = value.year - start.year + 1
            era_name = f"{name}{'元' if year == 1 else year}年"
            break
    western = f"{value.year}年{value.month}月{value.day}日"
    return f"{western}（{era_name}）" if era_name else western
