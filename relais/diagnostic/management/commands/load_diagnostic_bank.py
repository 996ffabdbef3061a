from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from relais.diagnostic.bank import BANK_FILE, load_bank


class Command(BaseCommand):
    help = "Charge (ou recharge) la banque de questions du diagnostic depuis relais/diagnostic/bank.json."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(BANK_FILE), help="Autre fichier de banque (même format).")
        parser.add_argument(
            "--overwrite", action="store_true", help="Remplacer aussi les paramètres des questions recalibrées."
        )

    def handle(self, *args, **options):
        from pathlib import Path

        with transaction.atomic():
            counts = load_bank(apps, path=Path(options["file"]), overwrite=options["overwrite"])
        self.stdout.write(
            f"{counts['scales']} outils, {counts['items']} questions ({counts['created']} nouvelles, "
            f"{counts['kept']} gardent leurs paramètres recalibrés)."
        )
