"""Kyufu under gunicorn on loopback, and CPU accounting of the processes."""

import http.client
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from .common import ROOT, child_env, psycopg_url

HOST = "127.0.0.1"
READY_PATH = "/bench/bare/"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOG_DIR = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Gunicorn:
    """gunicorn's shape: gthread workers keep connections alive."""

    workers: int
    threads: int

    def describe(self) -> str:
        return f"gunicorn gthread, {self.workers} workers x {self.threads} threads"


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(database_url: str, shape: Gunicorn, name: str) -> Iterator[Server]:
    """Run Kyufu (bench settings) under gunicorn until the block ends."""
    port = _free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"gunicorn-{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "kyufu.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={shape.workers}",
        "--worker-class=gthread",
        f"--threads={shape.threads}",
        "--keep-alive=30",
        "--backlog=2048",
        "--log-level=warning",
        "--worker-tmp-dir=/dev/shm",
    ]
    env = child_env(database_url, KYUFU_DB_CONN_MAX_AGE="60")
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_ready(HOST, port, process)
        yield Server(HOST, port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(
    host: str, port: int, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited; see bench/results/gunicorn-*.log")
        try:
            connection = http.client.HTTPConnection(host, port, timeout=2)
            connection.request("GET", READY_PATH)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


# --- CPU accounting ----------------------------------------------------------


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _backend_pids(database_url: str) -> list[int]:
    """PostgreSQL backends serving the benchmark database (not our own)."""
    with psycopg.connect(psycopg_url(database_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(pid) for (pid,) in rows]


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds so far: gunicorn's processes, the benchmark database's
    PostgreSQL backends (by pid) and the finished client processes."""

    server: float
    backends: dict[int, float]
    client: float


@dataclass(frozen=True)
class CpuUsed:
    server: float
    postgres: float
    client: float


def cpu_sample(server: Server, database_url: str) -> CpuSample:
    workers = [server.process.pid, *_children(server.process.pid)]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSample(
        server=sum(_process_cpu(pid) for pid in workers),
        backends={pid: _process_cpu(pid) for pid in _backend_pids(database_url)},
        client=children.ru_utime + children.ru_stime,
    )


def cpu_used(before: CpuSample, after: CpuSample) -> CpuUsed:
    """What was used in between; a backend that ended in between is lost
    (gunicorn keeps its connections, KYUFU_DB_CONN_MAX_AGE)."""
    postgres = sum(
        used - before.backends.get(pid, 0.0) for pid, used in after.backends.items()
    )
    return CpuUsed(
        server=after.server - before.server,
        postgres=postgres,
        client=after.client - before.client,
    )
