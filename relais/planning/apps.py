from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "relais.planning"
    verbose_name = "Planification"
    default_auto_field = "django.db.models.BigAutoField"
