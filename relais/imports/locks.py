"""Imports of one kind are applied one at a time (issue 16 §3), on SQLite and PostgreSQL alike.

The transaction that writes an import first updates its kind's `ImportLock` row: on PostgreSQL that row lock
is held until commit (a second import's UPDATE waits, under `lock_timeout`); on SQLite the transaction is
`BEGIN IMMEDIATE` (config/settings/base.py), so it holds the database's write lock from its first statement
(a second import's BEGIN waits, under `busy_timeout`). The wait is retried until
RELAIS_IMPORT_LOCK_WAIT_SECONDS, then the import is refused. Each applied import raises the row's
`generation`: a run planned under an older one is planned again inside the lock (`services._apply`), so its
report and journal say what it really changed.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from relais.imports.enums import ImportKind
from relais.imports.models import ImportLock

FIRST_TRY_MS = 200  # how long the first attempt waits before the run says it is waiting
RETRY_MS = 5_000  # each later attempt (SQLite's busy handler and PostgreSQL's lock_timeout alike)


class ImportLockBusy(Exception):
    """Another import of the same kind held the lock for longer than RELAIS_IMPORT_LOCK_WAIT_SECONDS."""


def busy_message(kind: str, waited: float) -> str:
    minutes = max(1, round(waited / 60))
    return (
        f"Un autre import « {ImportKind(kind).label} » s'appliquait déjà : celui-ci a attendu {minutes} minute"
        f"{'s' if minutes > 1 else ''} sans pouvoir commencer. Rien n'a été écrit ; relancez-le quand l'autre "
        "sera terminé."
    )


def generation(kind: str) -> int:
    """The number of imports of this kind applied so far (the lock row made on first use)."""
    # (get_or_create reads the row again when another process made it at the same instant.)
    return ImportLock.objects.get_or_create(kind=kind)[0].generation


def _is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "lock timeout" in text or "could not obtain lock" in text or "busy" in text


def _set_wait(milliseconds: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL lock_timeout = {int(milliseconds)}")
        else:
            cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


@contextmanager
def import_lock(kind: str, *, on_wait: Callable[[], None] = lambda: None) -> Iterator[ImportLock]:
    """Open the write's transaction holding this kind's lock; yields the lock row (its current generation).

    `on_wait` is called once, outside any transaction, when another import of the kind holds the lock.
    Raises ImportLockBusy after RELAIS_IMPORT_LOCK_WAIT_SECONDS.
    """
    generation(kind)
    started = time.monotonic()
    deadline = started + settings.RELAIS_IMPORT_LOCK_WAIT_SECONDS
    sqlite = connection.vendor == "sqlite"
    wait_ms, waited = FIRST_TRY_MS, False
    while True:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        wait_ms = max(1, min(wait_ms, remaining_ms))
        if sqlite:
            _set_wait(wait_ms)  # for the BEGIN IMMEDIATE below
        atomic = transaction.atomic()
        entered = False
        try:
            atomic.__enter__()
            entered = True
            if not sqlite:
                _set_wait(wait_ms)
            ImportLock.objects.filter(kind=kind).update(locked_at=timezone.now())
        except (OperationalError, DatabaseError) as exc:
            if entered:
                atomic.__exit__(type(exc), exc, exc.__traceback__)
            if sqlite:
                _restore_sqlite_wait()
            if not _is_busy(exc):
                raise
            if time.monotonic() >= deadline:
                raise ImportLockBusy(busy_message(kind, time.monotonic() - started)) from exc
            if not waited:
                waited = True
                on_wait()
            wait_ms = RETRY_MS
            continue
        break
    try:
        if sqlite:
            _restore_sqlite_wait()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
        lock = ImportLock.objects.get(kind=kind)
        yield lock
        ImportLock.objects.filter(pk=lock.pk).update(generation=F("generation") + 1)
    except BaseException as exc:
        if not atomic.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        atomic.__exit__(None, None, None)


def _restore_sqlite_wait() -> None:
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def without_waiting(write: Callable[[], object]) -> None:
    """A cosmetic write (an import's progress) done now or not at all: never waiting for another import's
    lock, never failing the import for it."""
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            _set_wait(50)
        write()
    except OperationalError:
        pass
    finally:
        if sqlite:
            _restore_sqlite_wait()


# A run that waits says so in the host's shared cache as well as in its row: on SQLite its row cannot be written
# while the other import holds the database's write lock, but the run page (a read) can show the cache's word.
def _waiting_key(run_pk: int) -> str:
    return f"relais:imports:waiting:{run_pk}"


def mark_waiting(run_pk: int, message: str) -> None:
    from django.core.cache import cache

    cache.set(_waiting_key(run_pk), message, settings.RELAIS_IMPORT_LOCK_WAIT_SECONDS + 60)


def clear_waiting(run_pk: int) -> None:
    from django.core.cache import cache

    cache.delete(_waiting_key(run_pk))


def waiting_message(run_pk: int) -> str | None:
    from django.core.cache import cache

    return cache.get(_waiting_key(run_pk))
