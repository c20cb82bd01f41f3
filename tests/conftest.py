"""Shared fixtures: the network guard, personas and a demo-like programme.

Personas: Alice (case worker), Bob (approver) and Carol (administrator) work
for かもめ市; Mallory is a case worker at うみべ町 and must never see
かもめ市's data. Hanako and Ichiro are residents on かもめ市's eligible list.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


@pytest.fixture(autouse=True, scope="session")
def _block_the_network() -> Iterator[None]:
    """Tests reach loopback only (and local UNIX sockets)."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                ip = ipaddress.ip_address(host)
            except ValueError:
                ip = ipaddress.ip_address(socket.gethostbyname(host))
            if not (ip in LOOPBACK or ip == ipaddress.ip_address("::1")):
                raise OSError(f"tests may not reach {host}")
        return real_connect(sock, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]


@pytest.fixture
def run_tasks(db: None) -> Callable[[], int]:
    """Run every queued background task the way the worker does, until idle."""
    from django_tasks_db.management.commands.db_worker import Worker

    def run() -> int:
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest",
            excluded_queue_names=[],
        )
        # The worker drops connections between tasks; inside a test's
        # transaction that would close the test database's connection.
        with mock.patch(
            "django_tasks_db.management.commands.db_worker.close_old_connections"
        ):
            worker.run()
        return worker._run_tasks

    return run


def _staff(username: str, municipality: Any, role: str) -> User:
    from kyufu.tenants.models import StaffMembership

    user = User.objects.create_user(username, password="correct-horse-battery")
    StaffMembership.objects.create(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def municipality(db: None) -> Any:
    from kyufu.tenants.models import Municipality

    return Municipality.objects.create(code="999991", name="かもめ市")


@pytest.fixture
def other_municipality(db: None) -> Any:
    from kyufu.tenants.models import Municipality

    return Municipality.objects.create(code="999992", name="うみべ町")


@pytest.fixture
def alice(municipality: Any) -> User:
    return _staff("alice", municipality, "case_worker")


@pytest.fixture
def bob(municipality: Any) -> User:
    return _staff("bob", municipality, "approver")


@pytest.fixture
def carol(municipality: Any) -> User:
    return _staff("carol", municipality, "admin")


@pytest.fixture
def mallory(other_municipality: Any) -> User:
    return _staff("mallory", other_municipality, "case_worker")


CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-access-token"
BOT_USER_ID = "U" + "b" * 32


@pytest.fixture
def channel(municipality: Any) -> Any:
    from kyufu.line.models import LineChannel

    return LineChannel.objects.create(
        municipality=municipality,
        name="かもめ市公式",
        channel_id="2000000001",
        bot_user_id=BOT_USER_ID,
        channel_secret=CHANNEL_SECRET,
        access_token=ACCESS_TOKEN,
    )


@pytest.fixture
def programme(municipality: Any, channel: Any) -> Any:
    from kyufu.programmes.services import create_programme

    now = timezone.now()
    return create_programme(
        municipality,
        line_channel=channel,
        name="子育て応援給付金",
        budget_yen=30_000,
        amount_yen=10_000,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        terms="給付金の支給のために、入力された情報を市が利用することに同意します。",
    )


@pytest.fixture
def eligible_people(programme: Any) -> list[Any]:
    from kyufu.core.japanese import furigana_key
    from kyufu.eligibility.models import EligiblePerson

    rows = [
        ("000001", "山田 花子", "ヤマダ ハナコ", date(1985, 4, 12)),
        ("000002", "鈴木 一郎", "スズキ イチロウ", date(1990, 1, 31)),
        ("000003", "佐藤 次郎", "サトウ ジロウ", date(1979, 11, 3)),
    ]
    return [
        EligiblePerson.objects.create(
            programme=programme,
            resident_code=code,
            full_name=name,
            furigana=kana,
            furigana_key=furigana_key(kana),
            birth_date=born,
        )
        for code, name, kana, born in rows
    ]
