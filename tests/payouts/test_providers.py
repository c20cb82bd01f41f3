"""Every payout method has a provider with the same small interface."""

from kyufu.payouts.providers import PROVIDERS, provider_for
from kyufu.programmes.models import PayoutMethod


def test_every_payout_method_has_a_registered_provider() -> None:
    missing = set(PayoutMethod.values) - set(PROVIDERS)
    assert not missing, f"register a provider in kyufu/payouts/providers: {missing}"


def test_providers_issue_and_are_named_after_their_method() -> None:
    for method in PayoutMethod.values:
        provider = provider_for(method)
        assert provider.name == method
        assert callable(provider.issue)
