"""Vocabulary of field work (DOMAIN.md §5): kinds of activity, levels, durations, outcomes."""

from django.db import models


class VisitOrigin(models.TextChoices):
    PLANNED = "planned", "Planifié"
    DIRECTORATE_REQUEST = "directorate_request", "Demande d'une direction"
    SPONTANEOUS = "spontaneous", "Spontané"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Prévu"
    UNDER_WAY = "under_way", "En cours"
    DONE = "done", "Terminé"
    CANCELLED = "cancelled", "Annulé"


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", "Atelier collectif"
    DROP_IN = "drop_in", "Permanence"
    ONE_TO_ONE = "one_to_one", "Accompagnement individuel"


class Level(models.TextChoices):
    BEGINNER = "debutant", "Débutant"
    INTERMEDIATE = "intermediaire", "Intermédiaire"
    ADVANCED = "avance", "Avancé"


class Equipment(models.TextChoices):
    COMPUTER = "ordinateur", "Ordinateur"
    PHONE = "telephone", "Téléphone"
    TABLET = "tablette", "Tablette"
    OTHER = "autre", "Autre"
    NONE = "aucun", "Pas de matériel"


class Autonomy(models.TextChoices):
    WITH_GUIDANCE = "with_guidance", "Avec guidage"
    GUIDANCE_IF_NEEDED = "guidance_if_needed", "Autonome avec guidage en cas de besoin"
    AUTONOMOUS = "autonomous", "Autonome"


class Redirection(models.TextChoices):
    IT_SUPPORT = "it_support", "Support informatique"
    HR_MANAGER = "hr_manager", "Gestionnaire RH"
    OTHER = "other", "Autre service"


class SignInMethod(models.TextChoices):
    """How a participant came onto the sheet: typed by the mediator or signed in through the QR page."""

    MEDIATOR = "mediator", "Saisi par le médiateur"
    SELF = "self", "Émargement par QR code"


# Durations offered with one tap (minutes); any other positive value is "custom" (DOMAIN.md §5).
DURATIONS = (15, 30, 45, 60, 90, 120)
MAX_DURATION_MINUTES = 600

# Outcome flags a mediator toggles with one tap on a participant.
OUTCOME_FLAGS = ("mailbox_activated", "password_reset", "followup_needed")
