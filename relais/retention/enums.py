from django.db import models


class DataKind(models.TextChoices):
    PARTICIPATIONS = "participations", "Participations et résultats des séances"
    TICKETS = "tickets", "Tickets : coordonnées données par les demandeurs"
    UNKNOWN_SIGNINS = "unknown_signins", "Émargements de personnes hors référentiel"
    DEPARTED_AGENTS = "departed_agents", "Agents partis"
    JOURNAL_PAYLOADS = "journal_payloads", "Détail des entrées du journal"
    ACCESS_LOGS = "access_logs", "Journaux d'accès (serveur web)"
    FINDINGS = "findings", "Constats de fiabilité RH clos"
    IMPORT_DETAILS = "import_details", "Détail des imports (lignes citées)"
