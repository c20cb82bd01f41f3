"""Payout providers, found by payout method through PROVIDERS.

Adding the next provider (a wallet, ATM cash pickup, ...):

1. Add the method to kyufu.programmes.models.PayoutMethod.
2. Copy the amazon/ sub-package: client.py (HTTP only; raises one error
   class derived from base.ProviderError with `permanent` and
   `outcome_unknown`), provider.py (`issue(payout) -> IssueResult`,
   idempotent on payout.request_id), __init__.py.
3. Register it in PROVIDERS below; tests/payouts/test_providers.py fails
   until every PayoutMethod has a provider.
4. Give it a local fake that speaks the real protocol (kyufu/sandbox) and
   test the client against that fake.
"""

from kyufu.programmes.models import PayoutMethod

from .amazon import AmazonGiftProvider
from .base import IssueResult, Provider, ProviderError

PROVIDERS: dict[str, Provider] = {
    PayoutMethod.AMAZON_GIFT.value: AmazonGiftProvider(),
}


def provider_for(method: str) -> Provider:
    """The provider for a payout method; KeyError names an unknown method."""
    return PROVIDERS[method]


__all__ = ["PROVIDERS", "IssueResult", "Provider", "ProviderError", "provider_for"]
