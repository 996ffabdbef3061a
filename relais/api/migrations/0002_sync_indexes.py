"""Indexes serving the API's cursor pages, (modification date, id) on each listed table.

They live here because this area is the one reading in that order (and the one allowed to migrate on this
branch); each is plain SQL, the same on SQLite and PostgreSQL, and dropped with this migration. Moving them
into each model's Meta.indexes later changes nothing on disk if the names are kept.
"""

from django.db import migrations

INDEXES = [
    ("api_agents_modified_idx", "agents_agent", "updated_at, id"),
    ("api_accounts_modified_idx", "adoption_toolaccount", "updated_at, id"),
    ("api_observations_recorded_idx", "adoption_observation", "recorded_at, id"),
    ("api_visits_modified_idx", "fieldwork_visit", "updated_at, id"),
    ("api_activities_modified_idx", "fieldwork_activity", "updated_at, id"),
    ("api_tickets_modified_idx", "helpdesk_ticket", "updated_at, id"),
    ("api_requests_modified_idx", "interventions_interventionrequest", "updated_at, id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("agents", "0009_first_name_may_be_blank"),
        ("adoption", "0003_fewer_indexes"),
        ("fieldwork", "0002_activity_signin_code"),
        ("helpdesk", "0003_mail_failures"),
        ("interventions", "0002_request_visits"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
