from django.db import models


class AdoptionStatus(models.TextChoices):
    """The adoption ladder of DOMAIN.md §4, from no account to used in the last 30 days, plus disabled."""

    NO_ACCOUNT = "no_account", "Pas de compte"
    PROVISIONED = "provisioned", "Compte créé, jamais activé"
    ACTIVATED = "activated", "Activé (première connexion)"
    USED = "used", "Utilisé"
    ACTIVE_30D = "active_30d", "Utilisé ces 30 derniers jours"
    DISABLED = "disabled", "Désactivé ou supprimé"


# Statuses that count as "activated" in rates: activated and every rung above it.
ACTIVATED_STATUSES = frozenset({AdoptionStatus.ACTIVATED, AdoptionStatus.USED, AdoptionStatus.ACTIVE_30D})

# "Used in the last 30 days" window, in days (DOMAIN.md §4).
RECENT_USE_DAYS = 30


class Source(models.TextChoices):
    M365 = "m365", "Microsoft 365"
    ACTIVE_DIRECTORY = "ad", "Active Directory / LDAP"
    GOOGLE = "google", "Google Workspace"
    ZIMBRA = "zimbra", "Zimbra"
    GENERIC = "generic", "Fichier générique"
    MEDIATION = "mediation", "Médiation (saisie sur site)"
    MANUAL = "manual", "Saisie manuelle"
    DEMO = "demo", "Données de démonstration"
