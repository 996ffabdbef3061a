"""Recurring job (cron, hourly): send the satisfaction surveys whose delay has passed."""

from django.core.management.base import BaseCommand

from relais.helpdesk.services import surveys_send_due


class Command(BaseCommand):
    help = "Envoie les enquêtes de satisfaction arrivées à échéance."

    def handle(self, *args, **options):
        sent = surveys_send_due()
        self.stdout.write(f"{sent} enquête(s) envoyée(s).")
