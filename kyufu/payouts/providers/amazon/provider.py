"""Amazon gift codes as a payout provider, over the AGCOD client."""

from typing import TYPE_CHECKING

from kyufu.payouts.providers.base import IssueResult

from .client import AgcodClient

if TYPE_CHECKING:
    from kyufu.payouts.models import Payout


class AmazonGiftProvider:
    name = "amazon_gift"

    def __init__(self, client: AgcodClient | None = None) -> None:
        self._client = client

    @property
    def client(self) -> AgcodClient:
        # Built on first use so settings overridden in tests take effect.
        if self._client is None:
            return AgcodClient.from_settings()
        return self._client

    def issue(self, payout: "Payout") -> IssueResult:
        if not payout.request_id:
            raise ValueError("a payout needs its request id before the first call")
        card = self.client.create_gift_card(
            payout.request_id,
            payout.amount_yen,
            external_reference=f"kyufu-payout-{payout.pk}",
        )
        return IssueResult(
            provider_reference=card.gc_id,
            claim_code=card.claim_code,
            code_expires_at=card.expires_at,
        )
