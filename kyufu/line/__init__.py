"""The LINE channel: webhook intake, event processing and outbound messages."""
