"""Benefit programmes (給付事業): budget, amount, period, payout method."""
