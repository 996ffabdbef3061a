"""Last step: `Agent.hr_manager` now points at the HR-manager referential (the old agent column goes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0007_hr_managers_from_agents"),
    ]

    operations = [
        migrations.RemoveField(model_name="agent", name="hr_manager"),
        migrations.RenameField(model_name="agent", old_name="hr_manager_ref", new_name="hr_manager"),
        migrations.AlterField(
            model_name="agent",
            name="hr_manager",
            field=models.ForeignKey(
                blank=True,
                help_text="La personne qui gère le dossier RH, telle que l'extraction RH la nomme.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="managed_files",
                to="agents.hrmanager",
                verbose_name="gestionnaire RH",
            ),
        ),
    ]
