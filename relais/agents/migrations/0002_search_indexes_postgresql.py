"""PostgreSQL only: a trigram GIN index keeping agent search fast at 2,000,000 agents.

`search_text LIKE '% dupon%'` (a word inside the name) becomes an index scan; prefix search already
uses the `varchar_pattern_ops` index Django adds to indexed text columns on PostgreSQL.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS agents_agent_search_trgm ON agents_agent USING gin (search_text gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS agents_agent_search_trgm"]


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
