"""Kyufu's settings plus the benchmark-only URLs (the bare reference view)."""

from kyufu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
