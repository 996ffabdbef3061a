from django.db import migrations

# The programme's onboarding path for a new mediator; the coordinator edits it in the admin.
MODULES = [
    ("Le programme, ses sites et ses publics", False),
    ("Messagerie professionnelle : activer un compte, réinitialiser un mot de passe", False),
    ("Double authentification et hameçonnage", False),
    ("Application de badgeage", False),
    ("Self-service RH : bulletins de paie, remboursements de transport", False),
    ("Accompagner des agents éloignés du numérique", False),
    ("Relais sur téléphone : visite, feuille d'émargement, suites à donner", False),
    ("Compte Relais créé", True),
    ("Téléphone professionnel remis", True),
    ("Engagement de confidentialité signé", True),
]


def create(apps, schema_editor):
    module = apps.get_model("team", "OnboardingModule")
    for position, (title, checklist) in enumerate(MODULES):
        module.objects.get_or_create(title=title, defaults={"is_checklist": checklist, "position": position})


class Migration(migrations.Migration):
    dependencies = [("team", "0001_mediators_path")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
