from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "relais.team"
    verbose_name = "Équipe de médiation"
