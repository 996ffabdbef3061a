from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    CONFIRMED = "confirmed", "Confirmé"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"
