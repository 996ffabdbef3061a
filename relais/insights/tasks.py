"""Background refresh of the adoption summary after each journaled write (relais/insights/summary.py).

The summary is always checked on read (`summary.ensure_fresh`), so this task is not needed for exactness: it
moves the rebuild off the next dashboard request. A journal entry saved in a transaction queues, once per
transaction, a task run after the commit; a worker (`manage.py db_worker`) rebuilds the summary then, and
the next request finds it fresh. Bulk journal writes (imports) do not send signals: for them, the first
request after the import rebuilds.
"""

from django.conf import settings
from django.db import transaction
from django_tasks import task


@task()
def summary_refresh() -> bool:
    """Bring the summary up to date with the journal, the sites and the day (no-op when it already is)."""
    from relais.insights import summary

    return summary.ensure_fresh()


def _enqueue() -> None:
    summary_refresh.enqueue()


def journal_written(sender, instance, created, **kwargs) -> None:
    """post_save of a journal entry: queue one refresh after the transaction commits."""
    from relais.insights import summary

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    # An immediate backend would rebuild inside the request that wrote: leave it to the next dashboard read.
    if not created or not summary.enabled() or backend.endswith("ImmediateBackend"):
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is _enqueue for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue, robust=True)
