"""The topics of the programme (DOMAIN.md §5), plus the redirections; administrators may add others."""

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
    ("autre", "Autre demande"),
]


def forwards(apps, schema_editor):
    Topic = apps.get_model("knowledge", "Topic")
    for position, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def backwards(apps, schema_editor):
    apps.get_model("knowledge", "Topic").objects.filter(code__in=[c for c, _ in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_topics_and_articles")]
    operations = [migrations.RunPython(forwards, backwards)]
