"""Kyufu: pay a municipal benefit to residents through LINE."""
