"""Interventions a directorate asks of the mediation team (DOMAIN.md §1): often for its HR managers.

The population is described by sites, services, categories or a list of agents, always inside the
requesting direction; the workflow runs submitted → accepted/declined → scheduled → done → assessed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope
from relais.core.models import PublicIdModel, TimestampedModel
from relais.interventions.enums import RequestStatus

TEAM_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


class InterventionRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and administrators see all requests; HR correspondents their directions';
        mediators the requests the team took on; anybody else nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in TEAM_ROLES:
            return self.all()
        if user.role == Role.HR:
            return self.filter(direction_scope(user).q("direction"))
        if user.role == Role.MEDIATOR:
            return self.filter(
                status__in=[RequestStatus.ACCEPTED, RequestStatus.SCHEDULED, RequestStatus.DONE, RequestStatus.ASSESSED]
            )
        return self.none()


class InterventionRequest(PublicIdModel, TimestampedModel):
    direction = models.ForeignKey(
        "organisation.Direction", verbose_name="direction", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pour le compte de",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Le correspondant RH, quand la coordination saisit la demande pour lui.",
    )
    title = models.CharField("intitulé", max_length=160)
    goal = models.TextField("objectif")
    topics = models.ManyToManyField("knowledge.Topic", verbose_name="thèmes", blank=True, related_name="+")
    sites = models.ManyToManyField("organisation.Site", verbose_name="sites", blank=True, related_name="+")
    services = models.ManyToManyField("organisation.Service", verbose_name="services", blank=True, related_name="+")
    categories = models.JSONField("catégories", default=list, blank=True)
    agents = models.ManyToManyField("agents.Agent", verbose_name="agents", blank=True, related_name="+")
    population_note = models.TextField(
        "public visé, en clair", blank=True, help_text="Par exemple : les gestionnaires RH de la direction."
    )
    desired_start = models.DateField("à partir du", null=True, blank=True)
    desired_end = models.DateField("jusqu'au", null=True, blank=True)
    constraints = models.TextField(
        "contraintes", blank=True, help_text="Horaires de prise de poste, lieux, périodes à éviter…"
    )
    status = models.CharField("statut", max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_reason = models.TextField("motif", blank=True)
    scheduled_for = models.DateField("date prévue", null=True, blank=True)
    # The field-work visits serving the request. Declared here, with no reverse accessor on Visit:
    # interventions depend on field work, never the reverse (docs/architecture.md).
    visits = models.ManyToManyField("fieldwork.Visit", verbose_name="visites", blank=True, related_name="+")
    schedule_note = models.TextField("programmation (précisions)", blank=True)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("note du demandeur (1 à 5)", null=True, blank=True)
    assessment = models.TextField("appréciation du demandeur", blank=True)
    assessed_at = models.DateTimeField("évaluée le", null=True, blank=True)

    objects = InterventionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'intervention"
        verbose_name_plural = "demandes d'intervention"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="interventions_req_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="interventions_interventionrequest_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(desired_end__isnull=True)
                | Q(desired_start__isnull=True)
                | Q(desired_end__gte=models.F("desired_start")),
                name="interventions_interventionrequest_period_order",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="interventions_interventionrequest_rating_range",
            ),
        ]

    def __str__(self):
        return f"{self.direction_id and self.direction.code} · {self.title}"


class Comment(models.Model):
    request = models.ForeignKey(InterventionRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("commentaire")
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Commentaire {self.pk}"
