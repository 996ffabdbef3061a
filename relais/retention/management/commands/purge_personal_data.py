"""Recurring job (the worker, every night; or cron): erase or pseudonymise personal data past its duration."""

from django.core.management.base import BaseCommand

from relais.retention import tasks
from relais.retention.services import purge_personal_data


class Command(BaseCommand):
    help = "Efface ou pseudonymise les données personnelles dont la durée de conservation est passée."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien effacer.")
        parser.add_argument(
            "--schedule", action="store_true", help="Programmer la purge de la nuit dans le worker, sans purger."
        )

    def handle(self, *args, dry_run=False, schedule=False, **options):
        if schedule:
            queued = tasks.schedule_next()
            when = tasks.next_run()
            self.stdout.write(
                f"Purge programmée pour le {when:%d/%m/%Y à %H:%M}." if queued else "Une purge est déjà programmée."
            )
            return
        lines = purge_personal_data(dry_run=dry_run)
        verb = "à traiter" if dry_run else "traitée(s)"
        for line in lines:
            if not line.active:
                self.stdout.write(f"{line.label} : purge désactivée.")
                continue
            self.stdout.write(
                f"{line.label} : {line.count} ligne(s) {verb} (antérieures au {line.before:%d/%m/%Y}, "
                f"{line.months} mois)."
            )
        if dry_run:
            self.stdout.write("Essai à blanc : rien n'a été effacé.")
