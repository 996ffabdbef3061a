from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "relais.imports"
    verbose_name = "Imports"
