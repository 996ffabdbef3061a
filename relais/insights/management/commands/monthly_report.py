"""`manage.py monthly_report --month 2026-11 --output report.pdf`: the month's report for the whole city."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.insights.report import ReportError, monthly_report, parse_month


class Command(BaseCommand):
    help = "Écrit le rapport mensuel (PDF) de toute la ville ; les groupes de moins de 5 agents y sont masqués."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="Mois, AAAA-MM (par exemple 2026-11).")
        parser.add_argument("--output", required=True, help="Fichier PDF à écrire.")

    def handle(self, *args, month, output, **options):
        try:
            pdf = monthly_report(month=parse_month(month))
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output)
        path.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"Rapport écrit : {path} ({len(pdf) // 1024} Kio)."))
