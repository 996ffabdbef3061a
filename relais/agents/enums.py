from django.db import models


class Category(models.TextChoices):
    A = "A", "Catégorie A"
    B = "B", "Catégorie B"
    C = "C", "Catégorie C"


class Filiere(models.TextChoices):
    ADMINISTRATIVE = "administrative", "Administrative"
    ANIMATION = "animation", "Animation"
    CULTURELLE = "culturelle", "Culturelle"
    MEDICO_SOCIALE = "medico_sociale", "Médico-sociale"
    POLICE_MUNICIPALE = "police_municipale", "Police municipale"
    SAPEURS_POMPIERS = "sapeurs_pompiers", "Sapeurs-pompiers"
    SPORTIVE = "sportive", "Sportive"
    TECHNIQUE = "technique", "Technique"


class Statut(models.TextChoices):
    TITULAIRE = "titulaire", "Titulaire"
    STAGIAIRE = "stagiaire", "Stagiaire"
    CONTRACTUEL = "contractuel", "Contractuel"
    APPRENTI = "apprenti", "Apprenti"
    VACATAIRE = "vacataire", "Vacataire"
