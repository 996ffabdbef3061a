from django.db import models


class ImportKind(models.TextChoices):
    AGENTS = "agents", "Extraction RH (agents)"
    ADOPTION = "adoption", "Rapport d'utilisation (messagerie, annuaire)"
    PIX = "pix", "Export de campagne Pix Orga (compétences numériques)"


class ImportMode(models.TextChoices):
    FULL = "full", "Complète (les agents absents du fichier sont marqués partis)"
    PARTIAL = "partial", "Partielle (seules les lignes du fichier sont traitées)"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    MAPPING = "mapping", "Colonnes à vérifier"
    ANALYSING = "analysing", "Analyse en cours"
    ANALYSED = "analysed", "Analysé, prêt à appliquer"
    APPLYING = "applying", "Application en cours"
    APPLIED = "applied", "Appliqué"
    FAILED = "failed", "Échec"
    DISCARDED = "discarded", "Abandonné"


IN_PROGRESS = frozenset({ImportStatus.PENDING, ImportStatus.ANALYSING, ImportStatus.APPLYING})


class AliasTarget(models.TextChoices):
    """Fields a header can be mapped to by an administrator (agents, then adoption reports)."""

    MATRICULE = "matricule", "Agents · matricule"
    LAST_NAME = "last_name", "Agents · nom de famille"
    USAGE_NAME = "usage_name", "Agents · nom d'usage"
    FIRST_NAME = "first_name", "Agents · prénom"
    CATEGORY = "category", "Agents · catégorie"
    FILIERE = "filiere", "Agents · filière"
    STATUT = "statut", "Agents · statut"
    GRADE = "grade", "Agents · grade"
    JOB_TITLE = "job_title", "Agents · emploi"
    DIRECTION = "direction", "Agents · direction"
    SERVICE = "service", "Agents · service"
    SITE = "site", "Agents · site d'affectation"
    HR_MANAGER = "hr_manager", "Agents · gestionnaire RH (matricule)"
    ENTRY_DATE = "entry_date", "Agents · date d'entrée"
    EXIT_DATE = "exit_date", "Agents · date de sortie"
    WORK_PHONE = "work_phone", "Agents · téléphone professionnel"
    WORK_EMAIL = "work_email", "Agents · courriel professionnel"
    USES_COMPUTER = "uses_computer", "Agents · utilise un ordinateur"
    IGNORE = "ignore", "Ignorer cette colonne"
    ADOPTION_ID = "employee_id", "Rapport générique · identifiant (matricule)"
    ADOPTION_EMAIL = "email", "Rapport générique · adresse"
    ADOPTION_CREATED = "provisioned_on", "Rapport générique · créé le"
    ADOPTION_FIRST = "first_sign_in_on", "Rapport générique · première connexion"
    ADOPTION_LAST = "last_activity_on", "Rapport générique · dernière activité"
    ADOPTION_DISABLED = "is_disabled", "Rapport générique · désactivé"
