from django.db import models


class Scope(models.TextChoices):
    """What a token may call. A scope never widens what its owner sees: rows still go through `visible_to`."""

    AGENTS_READ = "agents:read", "Lire les agents"
    TOOLS_READ = "tools:read", "Lire les outils numériques"
    ADOPTION_READ = "adoption:read", "Lire les observations d'adoption"
    ADOPTION_WRITE = "adoption:write", "Envoyer des observations d'adoption (activations)"
    VISITS_READ = "visits:read", "Lire les déplacements et les activités"
    STATISTICS_READ = "statistics:read", "Lire les statistiques"
    INTERVENTIONS_READ = "interventions:read", "Lire les demandes d'intervention"
    INTERVENTIONS_WRITE = "interventions:write", "Déposer des demandes d'intervention"
    TICKETS_READ = "tickets:read", "Lire les tickets d'assistance"
    TICKETS_WRITE = "tickets:write", "Ouvrir des tickets d'assistance"
