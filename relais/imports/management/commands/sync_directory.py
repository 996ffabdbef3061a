"""`python manage.py sync_directory [--base DN] [--filter F] [--url ldap://…] [--bind-dn …] [--password-env VAR]`.

Reads settings RELAIS_LDAP_* for whatever is not given on the command line.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relais.imports.directory import attribute_map, fetch
from relais.imports.enums import ImportStatus
from relais.imports.management.commands._common import parse_as_of, print_rejections, summary
from relais.imports.reading import ImportFileError
from relais.imports.services import import_directory


class Command(BaseCommand):
    help = "Lit l'annuaire (LDAP / Active Directory) et enregistre l'état des comptes (source « ad »)."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="Adresse de l'annuaire, par exemple ldaps://ad.exemple.fr")
        parser.add_argument("--base", help="Base de recherche (DN)")
        parser.add_argument("--filter", help="Filtre LDAP des comptes à lire")
        parser.add_argument("--bind-dn", help="Compte de connexion (DN)")
        parser.add_argument(
            "--password-env", help="Nom de la variable d'environnement qui contient le mot de passe de connexion"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="CHAMP=ATTRIBUT",
            help="Correspondance d'attribut, par exemple employee_id=employeeNumber (répétable)",
        )
        parser.add_argument("--page-size", type=int, help="Taille des pages de la recherche paginée")
        parser.add_argument("--tool", default="messagerie", help="Code de l'outil concerné (messagerie par défaut)")
        parser.add_argument("--as-of", help="Date de situation (aujourd'hui par défaut)")
        parser.add_argument("--dry-run", action="store_true", help="Montrer ce qui changerait sans rien écrire")

    def handle(self, *args, **options):
        overrides = dict(getattr(settings, "RELAIS_LDAP_ATTRIBUTES", {}) or {})
        for item in options["map"]:
            field, sep, attribute = item.partition("=")
            if not sep:
                raise CommandError(f"--map attend CHAMP=ATTRIBUT, pas « {item} ».")
            overrides[field.strip()] = attribute.strip()
        password = settings.RELAIS_LDAP_PASSWORD
        if options["password_env"]:
            if options["password_env"] not in os.environ:
                raise CommandError(f"La variable d'environnement {options['password_env']} n'est pas définie.")
            password = os.environ[options["password_env"]]
        url = options["url"] or settings.RELAIS_LDAP_URL
        base = options["base"] or settings.RELAIS_LDAP_BASE_DN
        search_filter = options["filter"] or settings.RELAIS_LDAP_FILTER
        try:
            attributes = attribute_map(overrides)
            frame = fetch(
                url=url,
                bind_dn=options["bind_dn"] or settings.RELAIS_LDAP_BIND_DN,
                password=password,
                base=base,
                search_filter=search_filter,
                attributes=attributes,
                page_size=options["page_size"] or settings.RELAIS_LDAP_PAGE_SIZE,
                timeout=settings.RELAIS_LDAP_TIMEOUT,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if frame.height == 0:
            raise CommandError(f"Aucun compte trouvé dans l'annuaire sous {base} avec le filtre {search_filter}.")
        run = import_directory(
            acting_user=None,
            frame=frame,
            description=f"Annuaire {url} · {base}",
            labels=attributes,
            as_of=parse_as_of(options["as_of"]),
            tool=options["tool"],
            dry_run=options["dry_run"],
        )
        print_rejections(self.stderr, run)
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.error)
        self.stdout.write(f"Annuaire : {frame.height} comptes lus. " + summary(run, dry_run=options["dry_run"]))
