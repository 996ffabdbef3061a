from django.db import models


class Family(models.TextChoices):
    VALIDITY = "validity", "Validité"
    CONSISTENCY = "consistency", "Cohérence"
    COMPLETENESS = "completeness", "Complétude"
    TIMELINESS = "timeliness", "Actualité"
    UNIQUENESS = "uniqueness", "Unicité"
    REFERENTIAL = "referential", "Référentiel"


class Severity(models.TextChoices):
    ERROR = "error", "Erreur"
    WARNING = "warning", "Avertissement"
    INFO = "info", "Information"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Ouvert"
    CLOSED = "closed", "Corrigé"
    JUSTIFIED = "justified", "Justifié"


class ExtractKind(models.TextChoices):
    IMPORT = "import", "Import d'extraction RH"
    HR_QUALITY = "hr_quality", "Contrôle seul (hr_quality)"
