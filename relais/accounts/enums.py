from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    COORDINATOR = "coordinator", "Coordination"
    MEDIATOR = "mediator", "Médiateur ou médiatrice"
    HR = "hr", "Correspondant RH de direction"
    HELPDESK = "helpdesk", "Opérateur d'assistance"
