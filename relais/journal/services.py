"""Writing to the journal. Callers are services, inside their own `transaction.atomic` block."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from relais.journal.models import Entry


def _entry(*, acting_user, action: str, obj: models.Model, payload: dict[str, Any] | None) -> Entry:
    return Entry(
        acting_user=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        payload=payload or {},
    )


def journal_record(*, acting_user, action: str, obj: models.Model, payload: dict[str, Any] | None = None) -> Entry:
    """Append one entry; must run in the same transaction as the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_record must be called inside the transaction of the change it records")
    entry = _entry(acting_user=acting_user, action=action, obj=obj, payload=payload)
    entry.save()
    return entry


def model_changes(instance: models.Model, fields: Iterable[str], before: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changed, as JSON-safe strings."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changes


def journal_record_rows(
    *, acting_user, action: str, model: type[models.Model], rows: Iterable[tuple], chunk: int = 5000
) -> int:
    """Append one entry per (object id, object text, payload) with plain SQL: imports of a million rows.

    For callers holding ids rather than model instances; same transaction rule as `journal_record`.
    A payload may come already encoded as a JSON text (built column-wise by the caller).
    """
    import json

    from django.db import connection
    from django.utils import timezone

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_record_rows must be called inside the transaction of the change it records")
    user_id = acting_user.pk if acting_user is not None and acting_user.is_authenticated else None
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    object_type = model._meta.label_lower
    table = Entry._meta.db_table
    payload_sql = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"INSERT INTO {table} (at, acting_user_id, action, object_type, object_id, object_repr, payload) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, %s, %s, {payload_sql})"
    )
    count, batch = 0, []
    with connection.cursor() as cursor:
        for object_id, text, payload in rows:
            batch.append(
                (
                    at,
                    user_id,
                    action,
                    object_type,
                    str(object_id),
                    text[:200],
                    payload if isinstance(payload, str) else json.dumps(payload or {}),
                )
            )
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def journal_record_select(*, acting_user, action: str, model: type[models.Model], select_sql: str, params=()) -> int:
    """Append one entry per row of a query yielding (object id, object text, payload as JSON text), set-based.

    For imports that stage their rows in the database: the entries never travel through Python.
    Same transaction rule as `journal_record`; returns the number of entries.
    """
    from django.db import connection
    from django.utils import timezone

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_record_select must be called inside the transaction of the change it records")
    user_id = acting_user.pk if acting_user is not None and acting_user.is_authenticated else None
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    payload = "CAST(q.payload AS jsonb)" if connection.vendor == "postgresql" else "q.payload"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Entry._meta.db_table} (at, acting_user_id, action, object_type, object_id, object_repr, "  # noqa: S608
            f"payload) SELECT %s, %s, %s, %s, CAST(q.object_id AS TEXT), SUBSTR(q.object_repr, 1, 200), {payload} "
            f"FROM ({select_sql}) q",
            [at, user_id, action, model._meta.label_lower, *params],
        )
        return cursor.rowcount
