from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "relais.api"
    label = "api"
    verbose_name = "API publique"

    def ready(self):
        from relais.accounts.sections import register
        from relais.api.account import SECTION

        register(SECTION)  # the user's own tokens on « Mes sessions et jetons »
