from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "relais.agents"
    verbose_name = "Agents"
