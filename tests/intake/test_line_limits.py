"""Replies stay within LINE's limits even with long staff-written content."""

from typing import Any

from kyufu.intake.catalog import default_form_definition

from .conftest import Chat
from .line_limits import problems_in_reply


def test_the_checker_catches_what_line_rejects() -> None:
    too_many = [{"type": "text", "text": "x"}] * 6
    assert problems_in_reply(too_many)
    long_label = {
        "type": "text",
        "text": "x",
        "quickReply": {
            "items": [
                {
                    "type": "action",
                    "action": {"type": "postback", "label": "あ" * 21, "data": "a"},
                }
            ]
        },
    }
    assert problems_in_reply([long_label])
    assert problems_in_reply([{"type": "text", "text": "x" * 5001}])


def test_long_terms_and_a_long_programme_name_still_fit(
    hanako: Chat, programme: Any
) -> None:
    programme.name = "令和八年度かもめ市物価高騰対策子育て世帯応援特別給付金" * 4
    programme.terms = ("個人情報の取扱いについて。" * 30 + "\n") * 20
    programme.save()
    hanako.follow()
    hanako.tap("申請する")
    hanako.say("山田 花子")
    hanako.say("ヤマダ ハナコ")
    hanako.say("1985/4/12")
    shown = "".join(m["text"] for m in hanako.last[1:3])
    assert shown.replace("\n", "") == programme.terms.replace("\n", ""), "all of it"
    hanako.tap("同意する")
    hanako.tap("修正")
    hanako.tap("同意事項")
    hanako.tap("同意する")
    hanako.tap("送信")
    # The Chat helper has checked every reply against LINE's limits.
    assert hanako.application().status == "matched"


def test_a_ten_option_choice_fills_the_quick_replies_exactly(
    hanako: Chat, programme: Any
) -> None:
    definition = default_form_definition()
    definition["questions"].insert(
        1,
        {
            "key": "ward",
            "type": "choice",
            "label": "お住まいの地区",
            "prompt": "お住まいの地区を選んでください。",
            "options": [{"value": f"w{i}", "label": f"第{i}地区"} for i in range(10)],
        },
    )
    programme.form.definition = definition
    programme.form.save()
    hanako.say("申請する")
    hanako.say("山田 花子")
    hanako.tap("第3地区")
    hanako.tap("戻る")
    assert hanako.labels()[-3:] == ["このまま", "戻る", "やめる"]
    assert len(hanako.labels()) == 13
