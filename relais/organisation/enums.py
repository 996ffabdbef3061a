from django.db import models


class SiteKind(models.TextChoices):
    CRECHE = "creche", "Crèche"
    ECOLE = "ecole", "École"
    DEPOT_PROPRETE = "depot_proprete", "Dépôt de propreté"
    ATELIER = "atelier", "Atelier"
    EQUIPEMENT_SPORTIF = "equipement_sportif", "Équipement sportif"
    ESPACE_VERT = "espace_vert", "Parc et jardin"
    BIBLIOTHEQUE = "bibliotheque", "Bibliothèque ou équipement culturel"
    ETABLISSEMENT_SOCIAL = "etablissement_social", "Établissement social"
    POSTE_POLICE = "poste_police", "Poste de police municipale"
    BUREAU = "bureau", "Bureau"
    AUTRE = "autre", "Autre"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "lundi"
    TUESDAY = 1, "mardi"
    WEDNESDAY = 2, "mercredi"
    THURSDAY = 3, "jeudi"
    FRIDAY = 4, "vendredi"
    SATURDAY = 5, "samedi"
    SUNDAY = 6, "dimanche"
