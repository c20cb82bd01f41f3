"""Create (or refresh) the demo municipality, staff, LINE channel and programme.

Idempotent: running it again keeps existing rows and applications. The LINE
channel secret, token and webhook key come from the same environment
variables the sandbox reads, so the two agree without configuration.
"""

import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kyufu.eligibility.services import import_eligible_list
from kyufu.line.models import LineChannel
from kyufu.programmes.models import Programme
from kyufu.programmes.services import create_programme
from kyufu.tenants.models import Municipality, StaffMembership, StaffRole

DEMO_PASSWORD = "kyufu-demo-2026"  # noqa: S105 - printed in the README on purpose
DEMO_LIST = Path(__file__).resolve().parents[2] / "demo" / "eligible_list.csv"
STAFF = [
    ("demo-worker", StaffRole.CASE_WORKER),
    ("demo-approver", StaffRole.APPROVER),
    ("demo-admin", StaffRole.ADMIN),
]


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


class Command(BaseCommand):
    help = "Create the demo municipality, staff accounts, LINE channel and programme."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            municipality, _ = Municipality.objects.get_or_create(
                code="999999", defaults={"name": "デモ市"}
            )
            admin = self._staff(municipality)
            channel = self._channel(municipality)
            programme = self._programme(municipality, channel)
        if not programme.eligible_people.exists():
            result = import_eligible_list(
                programme,
                DEMO_LIST.read_bytes(),
                file_name=DEMO_LIST.name,
                actor=admin,
            )
            self.stdout.write(
                f"eligible list: {result.status}, {result.row_count} rows"
            )
        self.stdout.write(
            f"demo ready: programme #{programme.pk}, channel #{channel.pk}"
        )

    def _staff(self, municipality: Municipality) -> User:
        users = []
        for username, role in STAFF:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            StaffMembership.objects.update_or_create(
                user=user, defaults={"municipality": municipality, "role": role}
            )
            users.append(user)
        return users[-1]

    def _channel(self, municipality: Municipality) -> LineChannel:
        key = uuid.UUID(
            _env("KYUFU_DEMO_WEBHOOK_KEY", "00000000-0000-4000-8000-000000000001")
        )
        channel = LineChannel.objects.filter(municipality=municipality).first()
        if channel is None:
            channel = LineChannel(municipality=municipality)
        channel.webhook_key = key
        channel.name = "デモ市 公式アカウント"
        channel.channel_id = "2000000000"
        channel.bot_user_id = _env(
            "KYUFU_DEMO_LINE_BOT_USER_ID", "U6b797566750000000000000000000001"
        )
        channel.channel_secret = _env(
            "KYUFU_DEMO_LINE_CHANNEL_SECRET", "demo-channel-secret"
        )
        channel.access_token = _env("KYUFU_DEMO_LINE_ACCESS_TOKEN", "demo-access-token")
        channel.save()
        return channel

    def _programme(self, municipality: Municipality, channel: LineChannel) -> Programme:
        programme = Programme.objects.filter(
            municipality=municipality, line_channel=channel
        ).first()
        if programme is not None:
            return programme
        now = timezone.now()
        return create_programme(
            municipality,
            name="デモ市 子育て応援給付金",
            line_channel=channel,
            # Room for 10 of the 8 people on the demo list.
            budget_yen=100_000,
            amount_yen=10_000,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=60),
            terms=(
                "給付金の支給のため、入力された氏名・生年月日を市の住民情報と"
                "照合することに同意します。"
            ),
        )
