from django.db import models


class Audience(models.TextChoices):
    # Scripts help mediators and operators answer; guides are written for agents in plain French.
    MEDIATOR = "mediator", "Fiche pour l'équipe (médiateurs, assistance)"
    AGENT = "agent", "Guide pour les agents"
