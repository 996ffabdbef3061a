from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "relais.retention"
    verbose_name = "Durées de conservation"
