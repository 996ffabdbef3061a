from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "relais.insights"
    verbose_name = "Indicateurs"

    def ready(self):
        from django.db.models.signals import post_save

        from relais.insights.tasks import journal_written
        from relais.journal.models import Entry

        post_save.connect(journal_written, sender=Entry, dispatch_uid="insights-summary-refresh")
