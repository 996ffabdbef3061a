from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "relais.findings"
    verbose_name = "Fiabilité des données RH"
