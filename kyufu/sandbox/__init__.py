"""Protocol fakes for the demo and the tests: LINE and Amazon Incentives.

A plain Python package (no Django): ``Sandbox`` runs a fake LINE Messaging API
with a phone-like chat page, and a fake Amazon Incentives (AGCOD) endpoint.
"""

from kyufu.sandbox.server import Sandbox, settings_from_env

__all__ = ["Sandbox", "settings_from_env"]
