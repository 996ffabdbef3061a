"""First step of pointing `Agent.hr_manager` at the HR-manager referential: a new column beside the old one
(three migrations, because PostgreSQL refuses to drop a column in the transaction that updated its rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0005_hr_managers"),
    ]

    operations = [
        migrations.AddField(
            model_name="agent",
            name="hr_manager_ref",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="agents.hrmanager",
            ),
        ),
    ]
