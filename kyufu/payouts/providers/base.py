"""What every payout provider promises: issue(payout) and one error type."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kyufu.payouts.models import Payout


class ProviderError(Exception):
    """A provider call that did not succeed.

    permanent: the same request will not succeed if sent again now.
    outcome_unknown: the provider may have acted; settle it by repeating the
    same idempotent request (payout.request_id), never with a new one.
    """

    def __init__(self, message: str, *, permanent: bool, outcome_unknown: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.outcome_unknown = outcome_unknown


@dataclass(frozen=True)
class IssueResult:
    """What a provider hands back once the money has left."""

    provider_reference: str
    # The secret the resident needs (a gift code); None for bank transfers.
    claim_code: str | None = None
    code_expires_at: datetime | None = None

    def __repr__(self) -> str:
        return f"IssueResult(provider_reference={self.provider_reference!r}, ...)"


class Provider(Protocol):
    name: str

    def issue(self, payout: "Payout") -> IssueResult:
        """Pay out once, idempotent on payout.request_id; raise ProviderError."""
        ...
