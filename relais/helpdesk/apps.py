from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "relais.helpdesk"
    verbose_name = "Assistance et demandes"
