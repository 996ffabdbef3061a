from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "relais.adoption"
    verbose_name = "Outils numériques et adoption"
