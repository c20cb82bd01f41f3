"""Amazon gift codes (Amazon Incentives API / AGCOD): client and provider."""

from .client import AgcodClient, AgcodError, GiftCard
from .provider import AmazonGiftProvider

__all__ = ["AgcodClient", "AgcodError", "AmazonGiftProvider", "GiftCard"]
