"""The tools the programme starts with (DOMAIN.md §1); administrators may add others."""

from django.db import migrations

TOOLS = [
    ("messagerie", "Messagerie professionnelle", "La boîte aux lettres professionnelle de l'agent.", 1),
    ("badgeuse", "Application badgeuse", "Badge et gestion des temps sur smartphone.", 2),
    ("self-service-rh", "Self-service RH", "Duplicata de bulletin de paie, remboursement des frais de transport.", 3),
    ("intranet", "Portail intranet", "Le portail intranet et les téléservices de la ville.", 4),
]


def forwards(apps, schema_editor):
    Tool = apps.get_model("adoption", "Tool")
    for code, name, description, position in TOOLS:
        Tool.objects.update_or_create(code=code, defaults={"name": name, "description": description, "position": position})


def backwards(apps, schema_editor):
    apps.get_model("adoption", "Tool").objects.filter(code__in=[t[0] for t in TOOLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("adoption", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
