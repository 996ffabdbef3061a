from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "relais.fieldwork"
    verbose_name = "Travail de terrain"
