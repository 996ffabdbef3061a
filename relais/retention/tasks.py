"""The nightly purge, run by the task worker (`manage.py db_worker`): each run queues the next night's.

`purge_personal_data --schedule` (run by `make worker` / `make run` before the worker starts) queues the
first run when none is waiting; a cron line running `purge_personal_data` every night does the same job.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

TASK_NAME = "relais.retention.tasks.purge_nightly"


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next RELAIS_PURGE_HOUR o'clock (local time), strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=settings.RELAIS_PURGE_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + datetime.timedelta(days=1)


@task()
def purge_nightly() -> int:
    from relais.retention.services import purge_personal_data

    try:
        lines = purge_personal_data()
    finally:
        schedule_next(force=True)
    return sum(line.count for line in lines)


def schedule_next(*, force: bool = False) -> bool:
    """Queue the next night's purge unless one is already waiting (a second worker must not double it)."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend.endswith("ImmediateBackend"):
        return False  # tests: an immediate backend would run it now, and again, without end
    if not force and waiting():
        return False
    purge_nightly.using(run_after=next_run()).enqueue()
    return True


def waiting() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=TASK_NAME, status="READY").exists()
