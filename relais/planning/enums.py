from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    CONFIRMED = "confirmed", "Confirmé"
