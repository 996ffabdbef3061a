"""The programme's topics (DOMAIN.md §5); the coordinator may add, rename or retire topics."""

from django.db import migrations

TOPICS = [
    ("messagerie", "Activer sa messagerie professionnelle"),
    ("mots-de-passe", "Mots de passe et double authentification"),
    ("badgeuse", "Application badgeuse / gestion des temps"),
    ("self-service-rh", "Self-service RH (bulletin de paie, frais de transport)"),
    ("intranet", "Portail intranet"),
    ("teleservices", "Téléservices de la ville"),
    ("smartphone", "Prise en main du smartphone"),
    ("hameconnage", "Reconnaître l'hameçonnage"),
    ("visioconference", "Visioconférence"),
    ("elections", "Voter aux élections professionnelles"),
    ("diagnostic", "Diagnostic numérique"),
]


def forwards(apps, schema_editor):
    Topic = apps.get_model("fieldwork", "Topic")
    for position, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def backwards(apps, schema_editor):
    apps.get_model("fieldwork", "Topic").objects.filter(code__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_visits_activities_participations")]
    operations = [migrations.RunPython(forwards, backwards)]
