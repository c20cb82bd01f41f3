"""The pure-Python .po compiler writes catalogues gettext reads back."""

import gettext
import io

from kyufu.core.compilemessages import build_mo, parse_po, problems

PO = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"
#: a.py:1
msgid "Hello"
msgstr "こんにちは"

msgid "Line one "
"and two"
msgstr "一行目"
"と二行目"

msgctxt "menu"
msgid "Open"
msgstr "開く"

msgid "%(n)s item"
msgid_plural "%(n)s items"
msgstr[0] "%(n)s件"

#, fuzzy
msgid "Guessed"
msgstr "推測"

msgid "Missing"
msgstr ""
"""


def catalogue() -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(build_mo(parse_po(PO))))


def test_messages_contexts_and_plurals_round_trip() -> None:
    t = catalogue()
    assert t.gettext("Hello") == "こんにちは"
    assert t.gettext("Line one and two") == "一行目と二行目"
    assert t.pgettext("menu", "Open") == "開く"
    assert t.ngettext("%(n)s item", "%(n)s items", 3) == "%(n)s件"


def test_fuzzy_and_untranslated_entries_fall_back_and_are_reported() -> None:
    t = catalogue()
    assert t.gettext("Guessed") == "Guessed"
    assert t.gettext("Missing") == "Missing"
    assert problems(parse_po(PO)) == ["fuzzy: 'Guessed'", "untranslated: 'Missing'"]
