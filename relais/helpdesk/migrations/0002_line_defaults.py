"""Default opening hours (Mon–Fri 8:30–17:30), SLA targets, parameters and a few canned replies."""

import datetime

from django.db import migrations

TARGETS = [  # priority, first response, resolution (business minutes; a business day is 9 hours)
    ("urgent", 30, 4 * 60),
    ("high", 60, 9 * 60),
    ("normal", 4 * 60, 18 * 60),
    ("low", 9 * 60, 45 * 60),
]

CANNED = [
    (
        "Messagerie : première connexion",
        "messagerie",
        "Bonjour,\n\nPour activer votre messagerie, suivez le guide pas à pas que nous vous envoyons.\n"
        "Si le code ne marche pas, rappelez-nous : nous le faisons avec vous au téléphone.\n\nBonne journée,",
    ),
    (
        "Mot de passe : réinitialisation",
        "mots-de-passe",
        "Bonjour,\n\nVotre mot de passe a été réinitialisé. Ne le communiquez jamais, même à l'assistance.\n"
        "À la première connexion, choisissez-en un nouveau.\n\nBonne journée,",
    ),
    (
        "Transmis au support informatique",
        None,
        "Bonjour,\n\nVotre problème demande une intervention du support informatique. "
        "Nous lui avons transmis votre demande et vous tenons au courant.\n\nBonne journée,",
    ),
    (
        "En attente de votre retour",
        None,
        "Bonjour,\n\nPour avancer, nous avons besoin d'une précision de votre part : "
        "répondez simplement à ce message ou rappelez-nous.\n\nBonne journée,",
    ),
]


def forwards(apps, schema_editor):
    SlaTarget = apps.get_model("helpdesk", "SlaTarget")
    BusinessHours = apps.get_model("helpdesk", "BusinessHours")
    HelpdeskSettings = apps.get_model("helpdesk", "HelpdeskSettings")
    CannedReply = apps.get_model("helpdesk", "CannedReply")
    Topic = apps.get_model("knowledge", "Topic")
    for priority, first, resolution in TARGETS:
        SlaTarget.objects.update_or_create(
            priority=priority, defaults={"first_response_minutes": first, "resolution_minutes": resolution}
        )
    if not BusinessHours.objects.exists():
        for weekday in range(5):
            BusinessHours.objects.create(weekday=weekday, opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30))
    if not HelpdeskSettings.objects.exists():
        HelpdeskSettings.objects.create()
    for title, topic, body in CANNED:
        CannedReply.objects.get_or_create(
            title=title, defaults={"body": body, "category": Topic.objects.filter(code=topic).first()}
        )


def backwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_tickets_and_sla"), ("knowledge", "0002_topic_catalogue")]
    operations = [migrations.RunPython(forwards, backwards)]
