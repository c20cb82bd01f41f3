"""Payouts (給付): budget ledger, state machine and provider clients."""
