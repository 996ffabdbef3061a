from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "relais.journal"
    verbose_name = "Journal"
