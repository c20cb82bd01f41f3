"""Shared building blocks: encrypted fields, clock, small helpers."""
