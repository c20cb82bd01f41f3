"""The gift-code message a resident reads in LINE."""

from datetime import UTC, datetime
from typing import Any

from kyufu.payouts.messages import gift_code_message
from kyufu.payouts.models import Payout


def texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return own + [t for value in node.values() for t in texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    return []


def test_the_message_shows_amount_code_expiry_and_how_to_use_it(
    programme: Any,
) -> None:
    payout = Payout(
        programme=programme,
        amount_yen=10_000,
        code_expires_at=datetime(2032, 6, 10, 14, 59, 59, tzinfo=UTC),
    )

    message = gift_code_message(payout, "LJ49-AKDUV6-UYCP")

    assert message["type"] == "flex"
    assert message["altText"] == "Amazonギフトカードのお知らせ"
    assert len(message["altText"]) <= 400
    shown = texts(message["contents"])
    assert "給付金のお知らせ" in texts(message["contents"]["header"])
    assert "10,000円" in shown
    assert "有効期限: 2032年6月10日（令和14年）" in shown
    code = next(
        n
        for n in message["contents"]["body"]["contents"]
        if n.get("text") == "LJ49-AKDUV6-UYCP"
    )
    assert (code["weight"], code["size"]) == ("bold", "xl")
    steps = [t for t in shown if t[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert steps == [
        "1. Amazon.co.jpにログイン",
        "2. 「アカウントサービス」を開く",
        "3. 「ギフトカード」を選ぶ",
        "4. 「ギフトカードをアカウントに登録する」を押す",
        "5. 上の番号を入力",
    ]
    assert any("再表示できません" in t and "かもめ市" in t for t in shown)
