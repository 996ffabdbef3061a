from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "relais.skills"
    verbose_name = "Compétences numériques"
