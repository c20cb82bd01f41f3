"""Kyufu's background worker: django-tasks-db's db_worker plus the sweep.

`manage.py worker` takes the same options as `manage.py db_worker` and
makes sure the periodic stale-work sweep is queued before it starts.
"""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from kyufu.core.tasks import schedule_sweep


class Command(DBWorkerCommand):
    help = "Run the background worker (all queues) with the stale-work sweep."

    def handle(self, *args: Any, **options: Any) -> None:
        schedule_sweep()
        super().handle(*args, **options)
