"""`python manage.py import_adoption FILE [--source m365|ad|google|zimbra|generic] [--as-of DATE] [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.imports.adoption import IMPORTABLE_SOURCES
from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.management.commands._common import (
    get_profile,
    parse_as_of,
    print_rejections,
    summary,
)
from relais.imports.services import import_file


class Command(BaseCommand):
    help = "Importe un rapport d'utilisation (Microsoft 365, Active Directory, Google, Zimbra ou générique)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV ou XLSX")
        parser.add_argument(
            "--source",
            choices=[str(s) for s in IMPORTABLE_SOURCES],
            help="Source du rapport ; reconnue d'après les en-têtes si absente",
        )
        parser.add_argument(
            "--as-of", help="Date de situation du rapport ; par défaut sa date d'actualisation, sinon aujourd'hui"
        )
        parser.add_argument("--tool", default="messagerie", help="Code de l'outil concerné (messagerie par défaut)")
        parser.add_argument("--dry-run", action="store_true", help="Montrer ce qui changerait sans rien écrire")
        parser.add_argument("--profile", metavar="NOM", help="Profil d'import à utiliser (colonnes et ordre des dates)")
        parser.add_argument(
            "--apply-valid-rows",
            action="store_true",
            help="Appliquer les lignes valides même si d'autres sont rejetées",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        profile = get_profile(options["profile"], ImportKind.ADOPTION)
        run = import_file(
            acting_user=None,
            kind=ImportKind.ADOPTION,
            file_name=path.name,
            data=path,
            source=options["source"] or "",
            as_of=parse_as_of(options["as_of"]),
            tool=options["tool"],
            dry_run=options["dry_run"],
            apply_valid_rows=options["apply_valid_rows"],
            profile=profile,
            on_wait=self.stderr.write,
        )
        for notice in run.notices:
            self.stderr.write(notice)
        print_rejections(self.stderr, run)
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.error)
        unmatched = run.examples.get("unmatched", [])
        if unmatched:
            shown = ", ".join(f"ligne {line} ({ident})" for line, ident in unmatched[:10])
            self.stderr.write(f"Lignes non rapprochées d'un agent : {shown}{' …' if len(unmatched) > 10 else ''}")
        self.stdout.write(f"Source : {run.examples.get('source', run.source)}, situation au {run.as_of:%d/%m/%Y}. "
                          + summary(run, dry_run=options["dry_run"]))  # fmt: skip
