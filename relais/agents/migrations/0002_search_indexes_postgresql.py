"""PostgreSQL only: indexes that keep agent search fast at 2,000,000 agents.

- a trigram GIN index, so that `search_text LIKE '% dupon%'` (a word inside the name) is an index scan;
- a `varchar_pattern_ops` B-tree, so that `LIKE 'dupon%'` uses an index whatever the database collation.
SQLite needs neither: its LIKE prefix optimisation works on the ordinary index (case-insensitive LIKE
on already folded text).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS agents_agent_search_trgm ON agents_agent USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS agents_agent_search_prefix ON agents_agent (search_text varchar_pattern_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS agents_agent_search_prefix", "DROP INDEX IF EXISTS agents_agent_search_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
