"""Webhook intake: verify the signature, store the event, acknowledge.

Kyufu runs under gunicorn against its own PostgreSQL database, with no task
worker running, so only intake is measured. Every request carries one text
event with its own webhookEventId, signed over the exact bytes as LINE does.
The reference is a bare Django view answering 200 on the same server, fed
the same bodies. Three loads, each on both endpoints:

- closed loop (C connections, each sends again once answered): the
  throughput the server sustains;
- open loop at half of Kyufu's closed-loop rate: the ack latency when the
  server keeps up;
- open loop at the target rate: the ack latency residents' events see when
  the target load arrives, whatever the server does.

Afterwards every event sent must be stored exactly once.
"""

import math
import random
import secrets
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kyufu.sandbox import ids
from kyufu.sandbox.webhook_sender import USER_AGENT, serialise, sign

from . import loadgen
from .common import (
    Figure,
    Options,
    Result,
    drop_database,
    millis,
    recreate_database,
    run_child,
    say,
    stopwatch,
    thousands,
)
from .loadgen import Load, Outcome, Request
from .server import CpuUsed, Gunicorn, Server, cpu_sample, cpu_used, serve

NAME = "webhook"
DATABASE = "kyufu_bench_webhook"
TARGET_RATE = 1000  # events/s
TARGET_P99 = 0.050  # seconds
BARE_PATH = "/bench/bare/"
# Two cores: one worker process per core, threads to cover the waits on
# PostgreSQL. 2x2, 3x4, 4x1, 4x2 and 6x1 measured the same within the noise.
SHAPE = Gunicorn(workers=2, threads=8)
CLIENT_PROCESSES = 2
CLOSED_CONNECTIONS = 8  # per client process
OPEN_CONNECTIONS = 16  # per client process: 32 in flight, 32 ms each at 1,000/s
# Bodies are signed before each closed loop, for at most this rate.
MAX_CLOSED_RATE = 2500
TEXTS = ("申請する", "はい", "いいえ", "山田 花子", "ヤマダ ハナコ", "1985-04-12")


@dataclass(frozen=True)
class Sizes:
    warmup_seconds: float
    closed_seconds: float
    open_seconds: float
    # How many residents the events come from (a LineUser each, made on the
    # first event); several events each, as when a form is filled in the chat.
    residents: int

    @classmethod
    def of(cls, options: Options) -> "Sizes":
        if options.quick:
            return cls(2, 10, 5, residents=1_000)
        if options.full:
            return cls(5, 60, 60, residents=10_000)
        return cls(3, 30, 20, residents=5_000)


# --- In the child process (Django, the benchmark database) ------------------


def create_channel(secret: str) -> dict[str, Any]:
    """A municipality and its LINE channel; returns what the sender needs."""
    from kyufu.line.models import LineChannel
    from kyufu.tenants.models import Municipality

    municipality = Municipality.objects.create(code="999991", name="かもめ市")
    channel = LineChannel(
        municipality=municipality,
        name="かもめ市公式",
        channel_id="2000000001",
        bot_user_id="U" + secrets.token_hex(16),
    )
    channel.channel_secret = secret
    channel.access_token = secrets.token_urlsafe(32)
    channel.save()
    return {"webhook_key": str(channel.webhook_key), "bot_user_id": channel.bot_user_id}


def count_events(ids_path: str) -> dict[str, int]:
    """Compare the stored events with the ids sent (one per line in a file)."""
    from django_tasks_db.models import DBTaskResult

    from kyufu.line.models import WebhookEvent

    sent = set(Path(ids_path).read_text().split())
    stored = list(WebhookEvent.objects.values_list("event_id", flat=True))
    distinct = set(stored)
    return {
        "sent": len(sent),
        "stored": len(stored),
        "distinct": len(distinct),
        "missing": len(sent - distinct),
        "unexpected": len(distinct - sent),
        "tasks_queued": DBTaskResult.objects.count(),
    }


# --- Bodies ------------------------------------------------------------------


class Bodies:
    """Signed one-event webhook bodies, as LINE sends a resident's message."""

    def __init__(self, secret: str, bot_user_id: str, residents: int) -> None:
        self.secret = secret
        self.bot_user_id = bot_user_id
        self.random = random.Random(7)
        self.users = [ids.new_user_id() for _ in range(max(residents, 1))]

    def make(self, count: int) -> tuple[list[bytes], list[dict[str, str]], list[str]]:
        """`count` bodies, their headers and their event ids."""
        event_ids = [ids.new_ulid() for _ in range(count)]
        bodies = [
            serialise({"destination": self.bot_user_id, "events": [self._event(e)]})
            for e in event_ids
        ]
        headers = [self._headers(body) for body in bodies]
        return bodies, headers, event_ids

    def _headers(self, body: bytes) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "x-line-signature": sign(self.secret, body),
        }

    def _event(self, event_id: str) -> dict[str, Any]:
        message = {
            "type": "text",
            "id": ids.new_message_id(),
            "quoteToken": ids.new_quote_token(),
            "text": self.random.choice(TEXTS),
        }
        return {
            "type": "message",
            "message": message,
            "webhookEventId": event_id,
            "deliveryContext": {"isRedelivery": False},
            "timestamp": time.time_ns() // 1_000_000,
            "source": {"type": "user", "userId": self.random.choice(self.users)},
            "replyToken": ids.new_reply_token(),
            "mode": "active",
        }


# --- The run -----------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    label: str
    load: Load
    outcome: Outcome
    cpu: CpuUsed


@dataclass
class Bench:
    """The server, the bodies, and every event id that reached Kyufu."""

    server: Server
    database_url: str
    bodies: Bodies
    webhook_path: str
    sent_ids: list[str]

    def both(self, label: str, load: Load) -> tuple[Phase, Phase]:
        """The same fresh bodies to the bare view, then to Kyufu's webhook."""
        count = load.requests_needed or math.ceil(load.seconds * MAX_CLOSED_RATE)
        bodies, headers, event_ids = self.bodies.make(count)
        bare = self._phase(f"bare, {label}", BARE_PATH, bodies, headers, load)
        ours = self._phase(f"Kyufu, {label}", self.webhook_path, bodies, headers, load)
        self.sent_ids += [event_ids[i] for i in ours.outcome.sent_positions]
        return ours, bare

    def _phase(
        self,
        label: str,
        path: str,
        bodies: list[bytes],
        headers: list[dict[str, str]],
        load: Load,
    ) -> Phase:
        requests = [Request(path, b, h) for b, h in zip(bodies, headers, strict=True)]
        before = cpu_sample(self.server, self.database_url)
        outcome = loadgen.run(self.server.host, self.server.port, requests, load)
        after = cpu_sample(self.server, self.database_url)
        phase = Phase(label, load, outcome, cpu_used(before, after))
        say(
            f"{label}: {outcome.sent:,} sent, {outcome.throughput:,.0f}/s, "
            f"p50 {_ms(outcome.p(50))}, p99 {_ms(outcome.p(99))}, "
            f"statuses {outcome.statuses}, given up {outcome.dropped:,}"
        )
        return phase


def run(options: Options) -> Result:
    sizes = Sizes.of(options)
    shape = Gunicorn(options.workers or SHAPE.workers, options.threads or SHAPE.threads)
    with stopwatch() as elapsed:
        url = recreate_database(DATABASE)
        try:
            phases, counts = _measure(url, sizes, shape)
        finally:
            if not options.keep_databases:
                drop_database(DATABASE)
    return _result(sizes, shape, phases, counts, elapsed[0])


def _measure(
    url: str, sizes: Sizes, shape: Gunicorn
) -> tuple[dict[str, Phase], dict[str, int]]:
    secret = secrets.token_hex(16)
    channel = run_child(url, "bench.webhook:create_channel", secret=secret)
    bodies = Bodies(secret, channel["bot_user_id"], sizes.residents)
    path = f"/line/webhook/{channel['webhook_key']}/"
    closed = Load(CLIENT_PROCESSES, CLOSED_CONNECTIONS, sizes.closed_seconds)
    phases: dict[str, Phase] = {}
    with serve(url, shape, NAME) as server:
        say(f"{shape.describe()} on {server.host}:{server.port}")
        bench = Bench(server, url, bodies, path, [])
        bench.both("warm-up", replace(closed, seconds=sizes.warmup_seconds))
        phases["closed"], phases["bare closed"] = bench.both("closed loop", closed)
        half = _round_rate(phases["closed"].outcome.throughput / 2)
        for key, rate in (("half", half), ("target", TARGET_RATE)):
            load = Load(
                CLIENT_PROCESSES, OPEN_CONNECTIONS, sizes.open_seconds, rate=rate
            )
            phases[key], phases[f"bare {key}"] = bench.both(f"{rate:,}/s", load)
    counts = _verify(url, bench.sent_ids)
    return phases, counts


def _round_rate(rate: float) -> int:
    return max(10, int(rate // 10 * 10))


def _verify(url: str, event_ids: list[str]) -> dict[str, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as handle:
        handle.write("\n".join(event_ids))
        handle.flush()
        counts = run_child(url, "bench.webhook:count_events", ids_path=handle.name)
    say(f"stored events: {counts}")
    return counts


# --- Reporting ---------------------------------------------------------------


def _result(
    sizes: Sizes,
    shape: Gunicorn,
    phases: dict[str, Phase],
    counts: dict[str, int],
    elapsed: float,
) -> Result:
    closed, bare_closed = phases["closed"], phases["bare closed"]
    half, bare_half = phases["half"], phases["bare half"]
    target, bare_target = phases["target"], phases["bare target"]
    exact = counts["stored"] == counts["distinct"] == counts["sent"]
    kyufu = [closed, half, target]
    answered_ok = all(p.outcome.ok == p.outcome.sent for p in kyufu)
    figures = [
        Figure(
            "throughput, closed loop (events/s)",
            thousands(closed.outcome.throughput),
            thousands(bare_closed.outcome.throughput),
            f"≥ {TARGET_RATE:,}",
            closed.outcome.throughput >= TARGET_RATE,
        ),
        _latency_figure("closed loop", closed, bare_closed),
        replace(
            _latency_figure(f"open loop at {TARGET_RATE:,}/s", target, bare_target),
            target=f"p99 ≤ {millis(TARGET_P99)}",
            met=_p99_met(target),
        ),
        _rate_figure(target, bare_target),
        _latency_figure(
            f"open loop at {half.load.rate:,.0f}/s (half of Kyufu's closed loop)",
            half,
            bare_half,
        ),
        Figure(
            "CPU per request, closed loop: gunicorn / PostgreSQL / client",
            _cpu_per_request(closed),
            _cpu_per_request(bare_closed),
        ),
        Figure(
            "events stored exactly once (sent / stored / distinct)",
            f"{counts['sent']:,} / {counts['stored']:,} / {counts['distinct']:,}",
            "—",
            "no loss, no duplicates",
            exact and answered_ok and counts["missing"] == counts["unexpected"] == 0,
        ),
    ]
    return Result(
        NAME,
        "Webhook intake (verify, store, ack)",
        f"closed loop {sizes.closed_seconds:.0f} s, open loops "
        f"{sizes.open_seconds:.0f} s each, on Kyufu and on the bare view",
        elapsed,
        figures,
        _notes(sizes, shape, phases, counts),
    )


def _notes(
    sizes: Sizes, shape: Gunicorn, phases: dict[str, Phase], counts: dict[str, int]
) -> list[str]:
    closed, target = phases["closed"], phases["target"]
    kyufu = [phases[k] for k in ("closed", "half", "target")]
    return [
        f"Server: {shape.describe()}, PostgreSQL on the same machine, "
        "KYUFU_DB_CONN_MAX_AGE=60, no task worker running. CPU per request: "
        "gunicorn's processes, the benchmark database's PostgreSQL backends "
        "(not the WAL writer or checkpointer), the client processes.",
        f"Client: {CLIENT_PROCESSES} processes of Python http.client threads "
        "over keep-alive connections, on the same cores as the server; "
        f"{closed.load.connections} connections in the closed loop, "
        f"{target.load.connections} in the open loops. Open-loop latency "
        "counts from when each request was due; ∞ means some requests were "
        f"still unsent {target.load.grace:.0f} s after the last was due and "
        "were given up.",
        f"Each request is one text event from one of {sizes.residents:,} "
        f"residents. Kyufu queued {counts['tasks_queued']:,} processing tasks; "
        f"non-200 answers: {sum(p.outcome.sent - p.outcome.ok for p in kyufu)}, "
        f"connection retries: {sum(p.outcome.retries for p in kyufu)}, "
        f"given up at {TARGET_RATE:,}/s: {target.outcome.dropped:,} of "
        f"{target.load.requests_needed:,}.",
    ]


def _p99_met(phase: Phase) -> bool:
    return phase.outcome.dropped == 0 and phase.outcome.p(99) <= TARGET_P99


def _latency_figure(label: str, ours: Phase, bare: Phase) -> Figure:
    return Figure(
        f"ack latency p50 / p95 / p99, {label}",
        _latencies(ours.outcome),
        _latencies(bare.outcome),
    )


def _rate_figure(ours: Phase, bare: Phase) -> Figure:
    return Figure(
        f"answered per second, open loop at {TARGET_RATE:,}/s",
        thousands(ours.outcome.throughput),
        thousands(bare.outcome.throughput),
    )


def _ms(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value * 1000:,.1f} ms"


def _latencies(outcome: Outcome) -> str:
    values = [outcome.p(pct) for pct in (50, 95, 99)]
    shown = ["∞" if math.isinf(v) else f"{v * 1000:,.1f}" for v in values]
    return " / ".join(shown) + " ms"


def _cpu_per_request(phase: Phase) -> str:
    sent = phase.outcome.sent or 1
    cpu = phase.cpu
    parts = (cpu.server / sent, cpu.postgres / sent, cpu.client / sent)
    return " / ".join(f"{part * 1000:.2f}" for part in parts) + " ms"
