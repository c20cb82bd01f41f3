"""What every benchmark shares: results, sizes, databases, child processes."""

import ipaddress
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL_VARIABLE = "KYUFU_BENCH_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "kyufu_bench"
MB = 1024 * 1024


@dataclass(frozen=True)
class Options:
    """Command-line choices every benchmark sees."""

    quick: bool = False
    full: bool = False
    keep_databases: bool = False
    # gunicorn's shape for the webhook benchmark; None: the benchmark's default.
    workers: int | None = None
    threads: int | None = None


@dataclass
class Figure:
    """One line of a benchmark's table: ours, the reference, the target."""

    what: str
    ours: str
    reference: str = "—"
    target: str = "—"
    # True/False when the line is checked against a target, None otherwise.
    met: bool | None = None


@dataclass
class Result:
    """What one benchmark reports; `figures` are already formatted."""

    name: str
    title: str
    size: str
    seconds: float
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        checked = [f.met for f in self.figures if f.met is not None]
        return all(checked) if checked else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Result":
        figures = [Figure(**figure) for figure in data.pop("figures", [])]
        return cls(**data, figures=figures)


# --- Formatting --------------------------------------------------------------


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of values sorted ascending (nan when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def thousands(value: float) -> str:
    return f"{value:,.0f}"


def seconds(value: float) -> str:
    return f"{value:,.1f} s"


def millis(value: float) -> str:
    return f"{value * 1000:,.1f} ms"


def megabytes(value_bytes: float) -> str:
    return f"{value_bytes / MB:,.0f} MB"


def say(message: str) -> None:
    print(f"  · {message}", flush=True)


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Yields a one-item list that holds the elapsed seconds on exit."""
    elapsed = [0.0]
    started = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed[0] = time.perf_counter() - started


# --- Databases ---------------------------------------------------------------


def admin_url() -> str:
    """The maintenance database's URL; benchmarks run on loopback only."""
    url = os.environ.get(ADMIN_URL_VARIABLE, DEFAULT_ADMIN_URL)
    host = urlsplit(url).hostname or ""
    if host != "localhost" and not _is_loopback_ip(host):
        raise SystemExit(f"{ADMIN_URL_VARIABLE} must point at loopback, not {host!r}")
    return url


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def database_url(name: str) -> str:
    """The URL of benchmark database `name` on the admin URL's server."""
    parts = urlsplit(admin_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _checked_name(name: str) -> str:
    # Only ever drop a database this package made up.
    if not name.startswith(DATABASE_PREFIX) or not name.replace("_", "").isalnum():
        raise ValueError(f"not a benchmark database name: {name!r}")
    return name


def recreate_database(name: str) -> str:
    """Drop and create database `name`, migrate it; return its URL."""
    name = _checked_name(name)
    with psycopg.connect(psycopg_url(admin_url()), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = database_url(name)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=child_env(url),
        check=True,
    )
    return url


def drop_database(name: str) -> None:
    name = _checked_name(name)
    with psycopg.connect(psycopg_url(admin_url()), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_version() -> str:
    with psycopg.connect(psycopg_url(admin_url())) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "?"


# --- Child processes ---------------------------------------------------------


def child_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a Kyufu process pointed at benchmark database `url`."""
    env = dict(os.environ)
    # The default database task backend: a task is a row the worker picks up.
    env.pop("KYUFU_TASK_BACKEND", None)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        KYUFU_DEBUG="0",
        KYUFU_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def run_child(url: str, function: str, **kwargs: Any) -> dict[str, Any]:
    """Run `module:function(**kwargs)` under Django in a fresh process.

    The function returns a JSON-able dict, printed by bench.child as the
    last line of its output; that line is the return value here.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "bench.child", function, json.dumps(kwargs)],
        cwd=ROOT,
        env=child_env(url),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    last_line = completed.stdout.strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(last_line)
    return result
