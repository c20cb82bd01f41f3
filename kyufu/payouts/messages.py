"""The LINE message that hands a resident their gift code."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kyufu.core.japanese import format_japanese_date
from kyufu.payouts.models import Payout

REDEEM_URL = "https://www.amazon.co.jp/gc/redeem"
ALT_TEXT_LIMIT = 400


def gift_code_message(payout: Payout, claim_code: str) -> dict[str, Any]:
    """A Flex bubble: amount, code, expiry, how to use it, what if lost."""
    alt_text = _("Amazon gift card notice")[:ALT_TEXT_LIMIT]
    bubble = {
        "type": "bubble",
        "header": _box([_text(_("Benefit notice"), weight="bold", size="lg")]),
        "body": _box(
            [
                _text(payout.programme.name, size="sm", color="#666666"),
                _text(_amount(payout.amount_yen), weight="bold", size="xxl"),
                _separator(),
                _text(_("Amazon gift card code"), size="sm", color="#666666"),
                _text(claim_code, weight="bold", size="xl", color="#111111"),
                *_expiry(payout.code_expires_at),
                _separator(),
                _text(_("How to use it"), weight="bold", size="md"),
                *[_text(step, size="sm") for step in _steps()],
                _separator(),
                _text(_lost_note(payout), size="xs", color="#B00020"),
            ]
        ),
        "footer": _box(
            [
                _button(
                    _("Copy the code"),
                    {"type": "clipboard", "clipboardText": claim_code},
                ),
                _button(_("Open Amazon.co.jp"), {"type": "uri", "uri": REDEEM_URL}),
            ]
        ),
    }
    return {"type": "flex", "altText": alt_text, "contents": bubble}


def _amount(amount_yen: int) -> str:
    return _("%(amount)s yen") % {"amount": f"{amount_yen:,}"}


def _expiry(expires_at: datetime | None) -> list[dict[str, Any]]:
    if expires_at is None:
        return []
    day = format_japanese_date(timezone.localtime(expires_at).date())
    return [_text(_("Valid until %(date)s") % {"date": day}, size="sm")]


def _steps() -> list[str]:
    steps = [
        _("Log in to Amazon.co.jp"),
        _("Open “Account & Lists”"),
        _("Choose “Gift cards”"),
        _("Tap “Redeem a gift card to your account”"),
        _("Enter the code above"),
    ]
    return [f"{number}. {step}" for number, step in enumerate(steps, start=1)]


def _lost_note(payout: Payout) -> str:
    return _(
        "This code cannot be shown again. Keep this message. If you lose the "
        "code, contact %(municipality)s."
    ) % {"municipality": payout.programme.municipality.name}


def _box(contents: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "box", "layout": "vertical", "spacing": "md", "contents": contents}


def _text(text: str, **style: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "wrap": True, **style}


def _separator() -> dict[str, Any]:
    return {"type": "separator", "margin": "md"}


def _button(label: str, action: dict[str, Any]) -> dict[str, Any]:
    return {"type": "button", "style": "link", "action": {"label": label, **action}}
