"""The mediators' own path: recruitment from the retraining pool, onboarding, skills, the team's target."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.core.models import PublicIdModel, TimestampedModel
from relais.team.enums import RecruitOrigin, RecruitStatus


class HeadcountTarget(TimestampedModel):
    """The team's target size by a date (e.g. 19 mediators by 1 September)."""

    headcount = models.PositiveSmallIntegerField("effectif visé")
    by_date = models.DateField("à atteindre le")
    note = models.CharField("remarque", max_length=200, blank=True)

    class Meta:
        verbose_name = "objectif d'effectif"
        verbose_name_plural = "objectifs d'effectif"
        ordering = ["by_date"]
        constraints = [models.CheckConstraint(condition=Q(headcount__gt=0), name="team_headcounttarget_positive")]

    def __str__(self):
        return f"{self.headcount} médiateurs le {self.by_date:%d/%m/%Y}"


class Recruit(PublicIdModel, TimestampedModel):
    """A candidate mediator, from application to first weeks in post."""

    first_name = models.CharField("prénom", max_length=80)
    last_name = models.CharField("nom", max_length=80)
    email = models.EmailField("courriel", blank=True)
    origin = models.CharField("origine", max_length=16, choices=RecruitOrigin, default=RecruitOrigin.RETRAINING)
    agent = models.ForeignKey(
        "agents.Agent",
        verbose_name="agent de la collectivité",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediator_applications",
        help_text="Pour une reconversion : l'agent, dont les résultats Pix importés suivent.",
    )
    status = models.CharField("étape", max_length=16, choices=RecruitStatus, default=RecruitStatus.CANDIDATE)
    pix_score = models.PositiveSmallIntegerField("score Pix", null=True, blank=True)
    interview_on = models.DateField("entretien le", null=True, blank=True)
    decided_on = models.DateField("décision le", null=True, blank=True)
    decision_note = models.TextField("motif de la décision", blank=True)
    starts_on = models.DateField("prise de poste", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte de médiateur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recruit",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tuteur ou tutrice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentees",
    )

    class Meta:
        verbose_name = "recrutement de médiateur"
        verbose_name_plural = "recrutements de médiateurs"
        ordering = ["starts_on", "last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["onboarding", "in_post"]) | Q(starts_on__isnull=False),
                name="team_recruit_start_when_joined",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def onboarding_until(self, weeks: int) -> datetime.date | None:
        return self.starts_on + datetime.timedelta(weeks=weeks) if self.starts_on else None


class OnboardingModule(TimestampedModel):
    """A training module or checklist item every new mediator goes through."""

    title = models.CharField("intitulé", max_length=160)
    description = models.TextField("contenu", blank=True)
    is_checklist = models.BooleanField("élément de la liste d'accueil", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("en usage", default=True)

    class Meta:
        verbose_name = "module d'intégration"
        verbose_name_plural = "modules d'intégration"
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


class OnboardingCompletion(TimestampedModel):
    recruit = models.ForeignKey(Recruit, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(OnboardingModule, on_delete=models.CASCADE, related_name="completions")
    done_on = models.DateField("fait le")

    class Meta:
        verbose_name = "module suivi"
        verbose_name_plural = "modules suivis"
        constraints = [models.UniqueConstraint(fields=["recruit", "module"], name="team_completion_once")]


class Shadowing(TimestampedModel):
    """A visit the new mediator made beside an experienced one (recorded in field work)."""

    recruit = models.ForeignKey(Recruit, on_delete=models.CASCADE, related_name="shadowings")
    visit = models.ForeignKey("fieldwork.Visit", verbose_name="visite", on_delete=models.CASCADE, related_name="+")
    note = models.CharField("remarque", max_length=300, blank=True)

    class Meta:
        verbose_name = "visite en binôme"
        verbose_name_plural = "visites en binôme"
        constraints = [models.UniqueConstraint(fields=["recruit", "visit"], name="team_shadowing_once")]


class TeachableTool(TimestampedModel):
    """A tool a mediator can teach (their skills, for the plan and the requests)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teachable_tools")
    tool = models.ForeignKey("adoption.Tool", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        "aisance", choices=[(1, "Apprend"), (2, "Accompagne"), (3, "Forme les collègues")], default=2
    )

    class Meta:
        verbose_name = "outil enseigné"
        verbose_name_plural = "outils enseignés"
        constraints = [models.UniqueConstraint(fields=["user", "tool"], name="team_teachabletool_once")]
