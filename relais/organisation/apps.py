from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "relais.organisation"
    verbose_name = "Organisation"
