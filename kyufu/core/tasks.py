"""The periodic sweep that picks up work a dead worker left behind.

django-tasks has no scheduler, so the sweep schedules its own next run. The
`worker` command makes sure one is queued when a worker starts; duplicates
are harmless because every recovery step is idempotent.
"""

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)
# Kyufu's tasks take seconds; one "running" for longer lost its worker.
PRESUMED_DEAD = timedelta(minutes=5)


@task()
def sweep_stale_work() -> dict[str, int]:
    from kyufu.line.recovery import recover_stale_events, recover_stale_sends
    from kyufu.payouts.recovery import recover_stale_payouts

    found = {
        "events": recover_stale_events(),
        "sends": recover_stale_sends(),
        "payouts": recover_stale_payouts(),
    }
    schedule_sweep(delay=SWEEP_EVERY, running_now=True)
    return found


def schedule_sweep(
    *, delay: timedelta = timedelta(0), running_now: bool = False
) -> bool:
    """Queue the next sweep unless one is already waiting; True if queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=sweep_stale_work.module_path,
        status=TaskResultStatus.READY,
    )
    if waiting.exists():
        return False
    sweep_stale_work.using(run_after=timezone.now() + delay).enqueue()
    if not running_now:
        logger.info("stale-work sweep scheduled")
    return True


def has_live_task(work: Task[Any, Any], *args: Any) -> bool:
    """Is a run of `work(*args)` waiting, or running on a live worker?"""
    alive_since = timezone.now() - PRESUMED_DEAD
    return DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=alive_since),
        task_path=work.module_path,
        args_kwargs__args=list(args),
    ).exists()


def enqueue_unless_live(work: Task[Any, Any], *args: Any) -> bool:
    """Queue `work(*args)` again unless a live run exists; True if queued.

    The sweep calls this, so a backlog it finds does not grow with copies.
    """
    if has_live_task(work, *args):
        return False
    work.enqueue(*args)
    return True
