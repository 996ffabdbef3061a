"""Recurring job (cron, every few minutes): turn the assistance mailbox's new e-mails into tickets."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relais.helpdesk.mail import fetch_mail


class Command(BaseCommand):
    help = "Relève la boîte de l'assistance (IMAP) et crée ou complète les tickets."

    def handle(self, *args, **options):
        if not settings.RELAIS_IMAP_HOST:
            raise CommandError("RELAIS_IMAP_HOST n'est pas défini : aucune boîte à relever.")
        report = fetch_mail(
            host=settings.RELAIS_IMAP_HOST,
            port=settings.RELAIS_IMAP_PORT,
            user=settings.RELAIS_IMAP_USER,
            password=settings.RELAIS_IMAP_PASSWORD,
            use_ssl=settings.RELAIS_IMAP_SSL,
            folder=settings.RELAIS_IMAP_FOLDER,
            done_folder=settings.RELAIS_IMAP_DONE_FOLDER,
            max_failures=settings.RELAIS_IMAP_MAX_FAILURES,
            quarantine_folder=settings.RELAIS_IMAP_QUARANTINE_FOLDER,
        )
        self.stdout.write(
            f"{report.created} ticket(s) créé(s), {report.updated} complété(s), "
            f"{report.ignored} message(s) automatique(s) ignoré(s), {report.duplicate} déjà traité(s)."
        )
        left = [uid for uid in report.failed if uid not in report.quarantined]
        if left:
            self.stderr.write(f"{len(left)} message(s) en échec, laissés non lus : {', '.join(left)}")
        if report.quarantined:
            self.stderr.write(
                f"{len(report.quarantined)} message(s) en échec depuis {settings.RELAIS_IMAP_MAX_FAILURES} relèves, "
                f"déplacés dans le dossier {settings.RELAIS_IMAP_QUARANTINE_FOLDER} : à traiter à la main."
            )
