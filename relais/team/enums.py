from django.db import models


class RecruitStatus(models.TextChoices):
    """A candidate's path, from the retraining pool to a mediator in post."""

    CANDIDATE = "candidate", "Candidature"
    INTERVIEW = "interview", "Entretien prévu"
    ACCEPTED = "accepted", "Retenu"
    DECLINED = "declined", "Non retenu"
    ONBOARDING = "onboarding", "En intégration"
    IN_POST = "in_post", "En poste"


class RecruitOrigin(models.TextChoices):
    RETRAINING = "retraining", "Reconversion professionnelle"
    INTERNAL = "internal", "Mobilité interne"
    EXTERNAL = "external", "Recrutement externe"


# Statuses that will join the team (counted in its growth once they have a start date).
JOINING = (RecruitStatus.ACCEPTED, RecruitStatus.ONBOARDING, RecruitStatus.IN_POST)
