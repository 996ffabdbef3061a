from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "relais.interventions"
    verbose_name = "Demandes d'intervention"
