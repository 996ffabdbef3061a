from django.db import models


class Channel(models.TextChoices):
    PHONE = "phone", "Téléphone"
    WALK_IN = "walk_in", "Accueil physique"
    EMAIL = "email", "Courriel"
    WEB = "web", "Formulaire en ligne"


class Priority(models.TextChoices):
    LOW = "low", "Basse"
    NORMAL = "normal", "Normale"
    HIGH = "high", "Haute"
    URGENT = "urgent", "Urgente"


class Status(models.TextChoices):
    NEW = "new", "Nouveau"
    ASSIGNED = "assigned", "Attribué"
    IN_PROGRESS = "in_progress", "En cours"
    WAITING_AGENT = "waiting_agent", "En attente de l'agent"
    WAITING_THIRD_PARTY = "waiting_third_party", "En attente d'un tiers"
    RESOLVED = "resolved", "Résolu"
    CLOSED = "closed", "Clos"
    REOPENED = "reopened", "Rouvert"
    DUPLICATE = "duplicate", "Doublon"


# The SLA clock stops while the ball is in someone else's court (DOMAIN.md §7).
PAUSED_STATUSES = frozenset({Status.WAITING_AGENT, Status.WAITING_THIRD_PARTY})
# Finished: no clock at all; "resolved" may still be reopened, "closed" and "duplicate" may not.
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.DUPLICATE})
OPEN_STATUSES = frozenset(set(Status) - DONE_STATUSES)

# Which status may follow which; anything else is refused by `ticket_set_status`.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ASSIGNED, Status.IN_PROGRESS, *PAUSED_STATUSES, Status.RESOLVED, Status.DUPLICATE}),
    Status.ASSIGNED: frozenset({Status.IN_PROGRESS, *PAUSED_STATUSES, Status.RESOLVED, Status.DUPLICATE}),
    Status.IN_PROGRESS: frozenset({*PAUSED_STATUSES, Status.RESOLVED, Status.DUPLICATE}),
    Status.WAITING_AGENT: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_THIRD_PARTY, Status.RESOLVED, Status.DUPLICATE}
    ),
    Status.WAITING_THIRD_PARTY: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_AGENT, Status.RESOLVED, Status.DUPLICATE}
    ),
    Status.REOPENED: frozenset({Status.IN_PROGRESS, *PAUSED_STATUSES, Status.RESOLVED, Status.DUPLICATE}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset(),
    Status.DUPLICATE: frozenset(),
}


class MessageKind(models.TextChoices):
    REPLY = "reply", "Réponse à l'agent"
    INCOMING = "incoming", "Message de l'agent"
    NOTE = "note", "Note interne"


class SlaState(models.TextChoices):
    OK = "ok", "Dans les délais"
    WARNING = "warning", "Échéance proche"
    BREACHED = "breached", "Délai dépassé"
    PAUSED = "paused", "Délai suspendu"
    NONE = "none", "Sans délai"
