"""Refuse UPDATE and DELETE on the journal in the database itself, on SQLite and PostgreSQL.

The test settings turn the guard off (RELAIS_JOURNAL_DB_GUARD) because transactional tests empty every
table between tests; tests/journal installs it inside a rolled-back transaction to prove it works.
"""

from django.conf import settings
from django.db import migrations

SQLITE = [
    """CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry
       BEGIN SELECT RAISE(ABORT, 'journal_entry is append-only'); END;""",
    """CREATE TRIGGER journal_entry_no_delete BEFORE DELETE ON journal_entry
       BEGIN SELECT RAISE(ABORT, 'journal_entry is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER journal_entry_no_update;", "DROP TRIGGER journal_entry_no_delete;"]

POSTGRESQL = [
    """CREATE FUNCTION journal_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'journal_entry is append-only'; END; $$;""",
    """CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry
       FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only();""",
    """CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON journal_entry
       FOR EACH STATEMENT EXECUTE FUNCTION journal_entry_append_only();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER journal_entry_no_truncate ON journal_entry;",
    "DROP TRIGGER journal_entry_append_only ON journal_entry;",
    "DROP FUNCTION journal_entry_append_only();",
]


def install(connection):
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    if getattr(settings, "RELAIS_JOURNAL_DB_GUARD", True):
        install(schema_editor.connection)


def backwards(apps, schema_editor):
    if not getattr(settings, "RELAIS_JOURNAL_DB_GUARD", True):
        return
    statements = POSTGRESQL_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
