"""`python manage.py import_agents FILE [--dry-run] [--full|--partial] [--apply-valid-rows] [--as-of DATE]
[--json OUT]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.management.commands._common import (
    get_profile,
    parse_as_of,
    print_rejections,
    print_warnings,
    summary,
    write_json,
)
from relais.imports.services import import_file


class Command(BaseCommand):
    help = "Importe une extraction RH (CSV ou XLSX) : agents créés, mis à jour, partants."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV ou XLSX")
        parser.add_argument("--dry-run", action="store_true", help="Montrer ce qui changerait sans rien écrire")
        parser.add_argument("--profile", metavar="NOM", help="Profil d'import à utiliser (colonnes et ordre des dates)")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--full", action="store_true", help="Extraction complète : les absents sont marqués partis")
        scope.add_argument("--partial", action="store_true", help="Extraction partielle (par défaut)")
        parser.add_argument(
            "--apply-valid-rows",
            action="store_true",
            help="Appliquer les lignes valides même si d'autres sont rejetées",
        )
        parser.add_argument("--json", metavar="OUT", help="Écrire le résultat (rejets, avertissements) en JSON")
        parser.add_argument("--as-of", help="Date de l'extraction (JJ/MM/AAAA ou AAAA-MM-JJ), aujourd'hui par défaut")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        profile = get_profile(options["profile"], ImportKind.AGENTS)
        run = import_file(
            acting_user=None,
            kind=ImportKind.AGENTS,
            file_name=path.name,
            data=path,
            mode=ImportMode.FULL if options["full"] else ImportMode.PARTIAL,
            as_of=parse_as_of(options["as_of"]),
            dry_run=options["dry_run"],
            apply_valid_rows=options["apply_valid_rows"],
            profile=profile,
            on_wait=self.stderr.write,
        )
        for notice in run.notices:
            self.stderr.write(notice)
        print_rejections(self.stderr, run)
        print_warnings(self.stderr, run)
        if options["json"]:
            write_json(options["json"], run)
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.error)
        self.stdout.write(summary(run, dry_run=options["dry_run"]))
