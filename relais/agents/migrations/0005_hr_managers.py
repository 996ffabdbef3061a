"""HR managers (gestionnaires RH) as a referential of their own: extracts name them by matricule, code,
e-mail or name (issue 12 §2)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0004_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HRManager",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                (
                    "label",
                    models.CharField(help_text="Tel que l'extraction l'écrit.", max_length=200, verbose_name="libellé"),
                ),
                ("key", models.CharField(editable=False, max_length=220, verbose_name="clé")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("matricule", "matricule d'agent"),
                            ("email", "adresse électronique"),
                            ("code", "code"),
                            ("name", "nom"),
                        ],
                        max_length=16,
                        verbose_name="forme",
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="courriel")),
                (
                    "agent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="hr_manager_profiles",
                        to="agents.agent",
                        verbose_name="agent correspondant",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="hr_manager_profiles",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="utilisateur correspondant",
                    ),
                ),
            ],
            options={
                "verbose_name": "gestionnaire RH",
                "verbose_name_plural": "gestionnaires RH",
                "ordering": ["label", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="hrmanager",
            constraint=models.UniqueConstraint(fields=("key",), name="agents_hrmanager_key_unique"),
        ),
        migrations.AddConstraint(
            model_name="hrmanager",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["matricule", "email", "code", "name"])),
                name="agents_hrmanager_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="hrmanager",
            constraint=models.CheckConstraint(
                condition=models.Q(("key", ""), _negated=True), name="agents_hrmanager_key_not_empty"
            ),
        ),
    ]
