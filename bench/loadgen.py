"""An HTTP/1.1 load generator: keep-alive connections from several processes.

Closed loop: each connection sends its next request as soon as the previous
answer is in, for a fixed time; throughput is what the server sustains at
that concurrency. Open loop: request i is due at start + i / rate whatever
the server does, and its latency counts from when it was due, so a slow
server is not excused by the client waiting (no coordinated omission). A
request still not sent `grace` seconds after the last one was due is given
up and counts as infinitely late.
"""

import http.client
import itertools
import math
import multiprocessing
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .common import percentile

# Requests that fail at the connection level are retried this often; a
# webhook retried after a reset is what LINE does too (same event id).
MAX_ATTEMPTS = 3
GAVE_UP = 0  # the status recorded when no attempt got an answer


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Load:
    """How to send: processes x connections each, for `seconds`."""

    processes: int
    connections_per_process: int
    seconds: float
    # Requests per second for an open loop; None for a closed loop.
    rate: float | None = None
    grace: float = 5.0

    @property
    def connections(self) -> int:
        return self.processes * self.connections_per_process

    @property
    def requests_needed(self) -> int | None:
        """How many requests an open loop sends; None: as many as it can."""
        return math.ceil(self.rate * self.seconds) if self.rate else None

    def describe(self) -> str:
        loop = f"open loop at {self.rate:,.0f}/s" if self.rate else "closed loop"
        return f"{loop}, {self.connections} keep-alive connections"


@dataclass(frozen=True)
class Outcome:
    """What one load run measured; latencies in seconds, sorted."""

    statuses: dict[int, int]
    retries: int
    dropped: int
    elapsed: float
    latencies: Sequence[float]
    # Indexes into the requests of those that were sent.
    sent_positions: frozenset[int]

    @property
    def sent(self) -> int:
        return len(self.sent_positions)

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def throughput(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0

    def p(self, pct: float) -> float:
        return percentile(self.latencies, pct)


@dataclass
class _Shard:
    """One process's measurements, sent back to the parent."""

    latencies: array
    positions: array
    statuses: Counter[int]
    retries: int
    dropped: int
    first_send: float
    last_answer: float


def run(host: str, port: int, requests: Sequence[Request], load: Load) -> Outcome:
    """Send the requests (in order, as many as the load takes), measure."""
    needed = load.requests_needed
    if needed is not None and needed > len(requests):
        raise ValueError(f"an open loop of {load.describe()} needs {needed} requests")
    context = multiprocessing.get_context("fork")
    start_at = time.monotonic() + 1.0  # time for every process to start
    queues = []
    processes = []
    for index in range(load.processes):
        queue = context.SimpleQueue()
        target_args = (host, port, requests[:needed], load, index, start_at, queue)
        process = context.Process(target=_client_process, args=target_args)
        process.start()
        queues.append(queue)
        processes.append(process)
    shards: list[_Shard] = [queue.get() for queue in queues]
    for process in processes:
        process.join()
    return _merge(shards)


def _merge(shards: list[_Shard]) -> Outcome:
    latencies = sorted(itertools.chain.from_iterable(s.latencies for s in shards))
    statuses: Counter[int] = Counter()
    for shard in shards:
        statuses.update(shard.statuses)
    sent = [s for s in shards if s.positions]
    elapsed = (
        max(s.last_answer for s in sent) - min(s.first_send for s in sent)
        if sent
        else 0.0
    )
    return Outcome(
        statuses=dict(statuses),
        retries=sum(s.retries for s in shards),
        dropped=sum(s.dropped for s in shards),
        elapsed=elapsed,
        latencies=latencies,
        sent_positions=frozenset(
            itertools.chain.from_iterable(s.positions for s in shards)
        ),
    )


def _client_process(
    host: str,
    port: int,
    requests: Sequence[Request],
    load: Load,
    index: int,
    start_at: float,
    queue: "multiprocessing.SimpleQueue[_Shard]",
) -> None:
    # This process sends requests index, index + P, index + 2P, ...
    positions = iter(range(index, len(requests), load.processes))
    shard = _Shard(array("d"), array("q"), Counter(), 0, 0, math.inf, 0.0)
    lock = threading.Lock()

    def next_position() -> int | None:
        with lock:
            return next(positions, None)

    threads = [
        threading.Thread(
            target=_connection_loop,
            args=(host, port, requests, load, start_at, next_position, shard, lock),
        )
        for _ in range(load.connections_per_process)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(shard)


def _connection_loop(
    host: str,
    port: int,
    requests: Sequence[Request],
    load: Load,
    start_at: float,
    next_position: Callable[[], int | None],
    shard: _Shard,
    lock: threading.Lock,
) -> None:
    # Connected by the first request: gunicorn's gthread worker holds a thread
    # on a new connection until its first request has arrived.
    connection = http.client.HTTPConnection(host, port, timeout=30)
    stop_at = start_at + load.seconds + (load.grace if load.rate else 0.0)
    _sleep_until(start_at)
    while (position := next_position()) is not None:
        due = start_at + position / load.rate if load.rate else None
        if due is not None:
            _sleep_until(due)
        sent_at = time.monotonic()
        if sent_at > stop_at:
            if due is None:
                break  # a closed loop simply ends
            with lock:
                shard.dropped += 1
                shard.latencies.append(math.inf)
            continue
        status, retries = _send(connection, requests[position])
        answered_at = time.monotonic()
        with lock:
            shard.latencies.append(answered_at - (due or sent_at))
            shard.positions.append(position)
            shard.statuses[status] += 1
            shard.retries += retries
            shard.first_send = min(shard.first_send, sent_at)
            shard.last_answer = max(shard.last_answer, answered_at)
    connection.close()


def _send(connection: http.client.HTTPConnection, request: Request) -> tuple[int, int]:
    """POST the request; (status, retries), status GAVE_UP if never answered."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            connection.request("POST", request.path, request.body, request.headers)
            response = connection.getresponse()
            response.read()
            return response.status, attempt
        except (http.client.HTTPException, OSError):
            connection.close()  # reopened by the next request
    return GAVE_UP, MAX_ATTEMPTS


def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)
