"""Eligible lists (対象者リスト): import and matching of applicants."""
