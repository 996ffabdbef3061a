"""Issue an API token: `manage.py api_token --user USERNAME --scope SCOPE [--scope …] [--days N]`.

The token is printed alone on the last line (shown once: only its hash is kept).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from relais.accounts.models import User
from relais.api.enums import Scope
from relais.api.models import ApiApplication
from relais.api.services import DEFAULT_DAYS, token_create


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un utilisateur ou une application ; le jeton s'affiche seul sur la dernière ligne."

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--user", help="Identifiant de l'utilisateur titulaire.")
        owner.add_argument("--application", help="Nom d'une application cliente enregistrée dans l'administration.")
        parser.add_argument(
            "--scope", action="append", required=True, help=f"Droit (répétable) : {', '.join(Scope.values)}."
        )
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"Validité en jours ({DEFAULT_DAYS}).")
        parser.add_argument("--name", default="", help="Nom du jeton (à quoi il sert).")

    def handle(self, *args, **options):
        user = application = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Utilisateur inconnu : {options['user']}.")
        else:
            application = ApiApplication.objects.filter(name=options["application"]).first()
            if application is None:
                raise CommandError(f"Application inconnue : {options['application']}.")
        try:
            issued = token_create(
                acting_user=None,
                user=user,
                application=application,
                scopes=options["scope"],
                days=options["days"],
                name=options["name"] or "manage.py api_token",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        token = issued.token
        self.stdout.write(
            f"Jeton {token.prefix} pour {token.owner_label}, droits : {', '.join(token.scopes)}, "
            f"expire le {token.expires_at:%d/%m/%Y %H:%M}. Il ne sera plus affiché :"
        )
        self.stdout.write(issued.clear)
