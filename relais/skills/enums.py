from django.db import models


class Band(models.TextChoices):
    """How much help an agent needs with one tool (the same three bands for every source)."""

    HELP = "help", "À accompagner"
    GUIDED = "guided", "Avec guidage"
    AUTONOMOUS = "autonomous", "Autonome"


BAND_ORDER = {Band.HELP: 0, Band.GUIDED: 1, Band.AUTONOMOUS: 2}


class CampaignKind(models.TextChoices):
    """The two kinds of Pix Orga campaign exports."""

    PROFILES = "profiles", "Collecte de profils"
    ASSESSMENT = "assessment", "Évaluation (parcours)"


class MatchMethod(models.TextChoices):
    NONE = "", "Non rapprochée"
    EXTERNAL_ID = "external_id", "Identifiant externe de la campagne"
    NAMES = "names", "Nom, prénom et direction (confirmé)"
