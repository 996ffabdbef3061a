from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "relais.demo"
    verbose_name = "Démonstration"
