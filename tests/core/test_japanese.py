"""Names and dates as residents type them reduce to one canonical form."""

from datetime import date

import pytest

from kyufu.core.japanese import (
    DateParseError,
    first_invisible,
    format_japanese_date,
    furigana_key,
    is_katakana_name,
    normalise_name,
    parse_japanese_date,
    strip_invisible,
    to_katakana,
)


@pytest.mark.parametrize(
    "typed",
    ["やまだ　はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダハナコ", " ヤマダ  ハナコ ", "ﾔﾏﾀﾞ　ﾊﾅｺ"],
)
def test_furigana_in_any_kana_or_width_gives_one_key(typed: str) -> None:
    assert furigana_key(typed) == "ヤマダハナコ"


def test_long_vowel_dashes_are_unified() -> None:
    assert to_katakana("すずき いちろ-") == "スズキ イチロー"
    assert is_katakana_name(to_katakana("ｻﾄｳ ｼﾞﾛｰ"))


def test_kanji_is_not_katakana() -> None:
    assert not is_katakana_name(to_katakana("山田"))
    assert not is_katakana_name("")


def test_names_get_single_half_width_spaces() -> None:
    assert normalise_name("　山田　　花子 ") == "山田 花子"


@pytest.mark.parametrize(
    "typed",
    [
        "1985-04-12",
        "1985/4/12",
        "1985年4月12日",
        "昭和60年4月12日",
        "S60.4.12",
        "s60.4.12",
        "Ｓ６０．４．１２",
        "19850412",
        "昭和 60年 4月 12日",
    ],
)
def test_the_same_birth_date_typed_every_way(typed: str) -> None:
    assert parse_japanese_date(typed) == date(1985, 4, 12)


def test_first_year_of_an_era_is_gannen() -> None:
    assert parse_japanese_date("令和元年5月1日") == date(2019, 5, 1)
    assert parse_japanese_date("H31.4.30") == date(2019, 4, 30)


@pytest.mark.parametrize(
    "typed",
    ["平成31年5月1日", "昭和64年1月8日", "1985/2/30", "令和0年1月1日", "あした", ""],
)
def test_impossible_dates_are_refused(typed: str) -> None:
    with pytest.raises(DateParseError):
        parse_japanese_date(typed)


def test_dates_read_back_with_their_era() -> None:
    assert format_japanese_date(date(1985, 4, 12)) == "1985年4月12日（昭和60年）"
    assert format_japanese_date(date(2019, 5, 1)) == "2019年5月1日（令和元年）"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("山田 花子", None),
        ("ヤマダ\u3000ハナコ\t\r\n", None),  # whitespace is not invisible
        ("\U0001f642\ue000", None),  # emoji and private-use gaiji are visible
        ("山田\x00花子", "\x00"),
        ("\x07山田", "\x07"),
        ("山田\u200b\u202e", "\u200b"),
        ("\x7f", "\x7f"),
        ("\x9b", "\x9b"),
        ("\ufeff山田", "\ufeff"),
        ("\U000e0041", "\U000e0041"),  # a tag character (Cf) outside the BMP
    ],
)
def test_first_invisible_finds_control_and_format_characters(
    text: str, first: str | None
) -> None:
    assert first_invisible(text) == first


def test_strip_invisible_keeps_whitespace_and_everything_visible() -> None:
    assert strip_invisible("\x07山田\u200b 花子\u202e\n") == "山田 花子\n"
    assert strip_invisible("山田 花子") == "山田 花子"
    assert strip_invisible("\u200b\u2060") == ""


def test_names_and_readings_lose_invisible_characters() -> None:
    assert normalise_name("\x07山田\u200b\u3000花子\u202e") == "山田 花子"
    assert to_katakana("やまだ\u200b はなこ\x00") == "ヤマダ ハナコ"
    assert furigana_key("ヤマダ\u200bハナコ") == "ヤマダハナコ"


@pytest.mark.parametrize("text", ["・・・", "ー", "ー ー", "・ ー", " "])
def test_a_reading_needs_at_least_one_kana_letter(text: str) -> None:
    assert not is_katakana_name(to_katakana(text))


def test_small_kana_and_long_vowels_with_a_letter_are_a_reading() -> None:
    assert is_katakana_name("ヴァー・ヵ")
