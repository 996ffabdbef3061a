"""First guides for agents (plain French) and a call script for the team; editable in the admin."""

from django.db import migrations

GUIDES = [
    {
        "slug": "activer-sa-messagerie-sur-son-telephone",
        "title": "Activer votre messagerie professionnelle sur votre téléphone",
        "audience": "agent",
        "topic": "messagerie",
        "summary": "Votre employeur vous a créé une adresse mail. En 10 minutes, vous pouvez la lire sur votre "
        "téléphone. Gardez près de vous le courrier qui donne votre identifiant.",
        "steps": [
            ("Ouvrez les Paramètres de votre téléphone (l'icône en forme de roue).", "", ""),
            (
                "Touchez « Mots de passe et comptes » (ou « Comptes »), puis « Ajouter un compte ».",
                "knowledge/img/telephone-ajouter-compte.svg",
                "Écran de téléphone avec le bouton Ajouter un compte",
            ),
            ("Choisissez « Microsoft Exchange » ou « Outlook ».", "", ""),
            ("Écrivez votre adresse professionnelle. Elle est sur votre courrier : prénom.nom@…", "", ""),
            ("Écrivez le mot de passe provisoire du courrier. Ensuite, choisissez le vôtre.", "", ""),
            (
                "Un code arrive par SMS : recopiez-le, puis touchez « Valider ».",
                "knowledge/img/code-de-verification.svg",
                "Écran de téléphone où l'on tape le code reçu par SMS",
            ),
            ("C'est fini ! Ouvrez l'application Mail : vos messages arrivent.", "", ""),
        ],
    },
    {
        "slug": "mot-de-passe-oublie",
        "title": "Mot de passe oublié : le changer vous-même",
        "audience": "agent",
        "topic": "mots-de-passe",
        "summary": "Vous avez oublié votre mot de passe ? Vous pouvez en choisir un nouveau avec votre téléphone, "
        "sans attendre.",
        "steps": [
            ("Sur la page de connexion, touchez « Mot de passe oublié ? ».", "", ""),
            ("Écrivez votre adresse professionnelle.", "", ""),
            ("Un code arrive par SMS sur votre téléphone : recopiez-le.", "", ""),
            (
                "Choisissez un nouveau mot de passe : au moins 12 caractères. Une phrase facile à retenir marche bien.",
                "",
                "",
            ),
            ("Ne donnez jamais votre mot de passe, même à l'assistance. Personne ne vous le demandera.", "", ""),
        ],
    },
    {
        "slug": "demander-un-duplicata-de-bulletin-de-paie",
        "title": "Demander un duplicata de bulletin de paie",
        "audience": "agent",
        "topic": "self-service-rh",
        "summary": "Besoin d'un ancien bulletin de paie pour un dossier (logement, banque) ? Demandez-le en ligne "
        "avec le self-service RH.",
        "steps": [
            ("Ouvrez le self-service RH depuis le portail intranet, sur votre téléphone ou un ordinateur.", "", ""),
            ("Connectez-vous avec votre adresse professionnelle et votre mot de passe.", "", ""),
            ("Touchez « Ma paie », puis « Mes bulletins ».", "", ""),
            ("Choisissez le mois. Touchez « Télécharger » : le bulletin s'ouvre en PDF.", "", ""),
            ("Le mois n'apparaît pas ? Touchez « Demander un duplicata » : votre gestionnaire RH vous répond.", "", ""),
        ],
    },
    {
        "slug": "badger-avec-son-telephone",
        "title": "Badger avec l'application sur votre téléphone",
        "audience": "agent",
        "topic": "badgeuse",
        "summary": "L'application de gestion des temps vous permet de badger et de voir vos heures.",
        "steps": [
            ("Installez l'application indiquée par votre service depuis le Play Store ou l'App Store.", "", ""),
            ("Ouvrez-la et connectez-vous avec votre adresse professionnelle.", "", ""),
            ("Autorisez la localisation si l'application le demande : c'est pour badger sur votre site.", "", ""),
            ("Touchez « Badger » en arrivant et en partant. Un message confirme chaque badge.", "", ""),
            ("Un oubli ? Touchez « Mes heures », puis « Signaler un oubli ».", "", ""),
        ],
    },
    {
        "slug": "reconnaitre-un-faux-message",
        "title": "Reconnaître un faux message (hameçonnage)",
        "audience": "agent",
        "topic": "hameconnage",
        "summary": "Certains messages imitent votre employeur pour voler votre mot de passe. Voici comment les repérer.",
        "steps": [
            ("Méfiez-vous d'un message urgent : « votre compte sera bloqué », « dernier rappel ».", "", ""),
            ("Regardez l'adresse de l'expéditeur : une lettre en trop ou un nom bizarre est un mauvais signe.", "", ""),
            ("Ne cliquez pas sur le lien. Ne donnez jamais votre mot de passe.", "", ""),
            ("Un doute ? Appelez l'assistance ou montrez le message à un médiateur.", "", ""),
        ],
    },
    {
        "slug": "script-appel-messagerie-non-activee",
        "title": "Script d'appel : la messagerie ne s'active pas",
        "audience": "mediator",
        "topic": "messagerie",
        "summary": "Pour l'assistance et les médiateurs : guider un agent au téléphone quand l'activation échoue.",
        "steps": [
            ("Trouvez l'agent dans Relais (nom et prénom) et vérifiez avec lui son site d'affectation.", "", ""),
            ("Demandez s'il a le courrier d'activation. Sinon : ticket « en attente d'un tiers » vers les RH.", "", ""),
            ("Faites-le aller jusqu'à l'écran du code SMS. Pas de SMS ? Vérifiez le numéro connu, sans le noter.", "", ""),
            ("Ne demandez jamais le mot de passe ; ne l'écrivez pas dans le ticket.", "", ""),
            ("Après l'appel, envoyez le guide « Activer votre messagerie » et liez-le au ticket.", "", ""),
        ],
    },
]


def forwards(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    Step = apps.get_model("knowledge", "Step")
    Topic = apps.get_model("knowledge", "Topic")
    for guide in GUIDES:
        article, created = Article.objects.get_or_create(
            slug=guide["slug"],
            defaults={
                "title": guide["title"],
                "audience": guide["audience"],
                "summary": guide["summary"],
                "topic": Topic.objects.filter(code=guide["topic"]).first(),
                "is_published": True,
            },
        )
        if created:
            for position, (text, image, alt) in enumerate(guide["steps"], start=1):
                Step.objects.create(article=article, position=position, text=text, image=image, image_alt=alt)


def backwards(apps, schema_editor):
    apps.get_model("knowledge", "Article").objects.filter(slug__in=[g["slug"] for g in GUIDES]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_topic_catalogue")]
    operations = [migrations.RunPython(forwards, backwards)]
