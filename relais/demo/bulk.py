"""Fast inserts for the demo: `executemany` on SQLite, `COPY … FROM STDIN` (psycopg 3) on PostgreSQL.

Rows are tuples in the order of the model field names given; values must already be in database form
(ISO strings for dates and times, hex strings for UUIDs, ids for foreign keys). Fields of the model
that the caller does not give are filled with their (constant) default, so a column added later with
a default does not break the demo.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.management.color import no_style
from django.db import connection, models

SQLITE_BATCH = 5_000


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _missing_defaults(model: type[models.Model], names: list[str]) -> tuple[list[str], tuple]:
    given = set(names)
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.name in given or field.attname in given or field.primary_key:
            continue
        if field.unique or (not field.has_default() and not field.null):
            raise ValueError(f"bulk insert into {model._meta.label}: no value for field {field.name!r}")
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, tuple(values)


def insert(model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` into `model`'s table in the current transaction; returns the number of rows."""
    opts = model._meta
    columns = [opts.get_field(name).column for name in names]
    extra_columns, extra_values = _missing_defaults(model, names)
    if extra_columns:
        columns += extra_columns
        rows = (row + extra_values for row in rows)
    qn = connection.ops.quote_name
    table, column_list = qn(opts.db_table), ", ".join(qn(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            # Identifiers come from the model's meta, quoted; values are parameters.
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608
            for batch in _batches(rows, SQLITE_BATCH):
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def next_id(model: type[models.Model]) -> int:
    """The first free primary key after the current rows (ids are preassigned by the demo)."""
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's identity sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load so the first pages are not slow."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
