"""Field work: visits to sites, the activities held there, and the agents met with what changed for them.

A visit (déplacement sur site) groups activities (workshop, drop-in desk, one-to-one help); each
activity lists its participants, agents of the referential or walk-ins not found there, with the
outcomes of the session. Rows are never erased by the interface: deletion is soft (`deleted_at`) and
every change is journaled with its before/after values (the history of edits).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope
from relais.agents.enums import Category
from relais.core.models import PublicIdModel, TimestampedModel
from relais.fieldwork.enums import (
    MAX_DURATION_MINUTES,
    ActivityKind,
    Autonomy,
    Equipment,
    Level,
    Redirection,
    SignInMethod,
    VisitOrigin,
    VisitStatus,
)

SENSITIVE_HELP = (
    "N'écrivez jamais de donnée sensible : ni santé, ni mot de passe, ni situation personnelle, "
    "ni numéro de sécurité sociale."
)

# Roles that see the whole team's field work (the others see their own, or their directions').
TEAM_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


def _sees_team(user) -> bool:
    return bool(user.is_superuser or user.role in TEAM_ROLES)


class VisitQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def of_mediator(self, user):
        # One through row per (visit, mediator): a plain join cannot duplicate visits.
        return self.filter(mediators=user)

    def visible_to(self, user):
        """Visits `user` may see: the team's for coordinators, their own for mediators, their directions' sites for HR.

        A visit belongs to a direction through its site's direction (`direction_scope`).
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if _sees_team(user):
            return self.alive()
        if user.role == Role.MEDIATOR:
            return self.alive().of_mediator(user)
        if user.role == Role.HR:
            return self.alive().filter(direction_scope(user).q("site__direction"))
        return self.none()


class Visit(PublicIdModel, TimestampedModel):
    """A visit to a site (déplacement sur site) by one or more mediators."""

    site = models.ForeignKey("organisation.Site", verbose_name="site", on_delete=models.PROTECT, related_name="visits")
    date = models.DateField("date")
    starts_at = models.TimeField("heure de début", null=True, blank=True)
    ends_at = models.TimeField("heure de fin", null=True, blank=True)
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="médiateurs",
        related_name="fieldwork_visits",
        limit_choices_to={"role": Role.MEDIATOR},
    )
    origin = models.CharField("origine", max_length=24, choices=VisitOrigin.choices, default=VisitOrigin.PLANNED)
    status = models.CharField("état", max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    notes = models.TextField("notes", blank=True, help_text=SENSITIVE_HELP)
    started_at = models.DateTimeField("commencé à", null=True, blank=True)
    closed_at = models.DateTimeField("clos à", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "déplacement"
        ordering = ["-date", "-starts_at", "-id"]
        indexes = [models.Index(fields=["date", "site"], name="fieldwork_visit_date_site_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(origin__in=VisitOrigin.values), name="fieldwork_visit_origin_valid"),
            models.CheckConstraint(condition=Q(status__in=VisitStatus.values), name="fieldwork_visit_status_valid"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="fieldwork_visit_time_order",
            ),
        ]

    def __str__(self):
        return f"{self.site} · {self.date:%d/%m/%Y}" if self.site_id else f"Déplacement du {self.date:%d/%m/%Y}"

    @property
    def is_editable(self) -> bool:
        return self.deleted_at is None and self.status in (VisitStatus.PLANNED, VisitStatus.UNDER_WAY)


class ActivityQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True, visit__deleted_at__isnull=True)

    def visible_to(self, user):
        return self.alive().filter(visit__in=Visit.objects.visible_to(user).values("pk"))


class Activity(PublicIdModel, TimestampedModel):
    """What happened during a visit: a collective workshop, a drop-in desk or one-to-one help."""

    visit = models.ForeignKey(Visit, verbose_name="déplacement", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("type", max_length=16, choices=ActivityKind.choices)
    title = models.CharField("titre", max_length=150, blank=True, help_text="Pour un atelier : son intitulé.")
    level = models.CharField("niveau", max_length=16, choices=Level.choices, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=30)
    equipment = models.CharField("matériel", max_length=16, choices=Equipment.choices, default=Equipment.PHONE)
    topics = models.ManyToManyField("knowledge.Topic", verbose_name="thèmes", blank=True, related_name="activities")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)
    # The short code typed at /e/ by agents who cannot scan the QR code; freed when the visit ends.
    signin_code = models.CharField("code d'émargement", max_length=6, blank=True, default="")

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "activité"
        ordering = ["visit", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="fieldwork_activity_kind_valid"),
            models.CheckConstraint(condition=Q(level__in=[*Level.values, ""]), name="fieldwork_activity_level_valid"),
            models.CheckConstraint(
                condition=Q(equipment__in=Equipment.values), name="fieldwork_activity_equipment_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="fieldwork_activity_duration_range",
            ),
            # A workshop has a title; a level only makes sense for a workshop.
            models.CheckConstraint(
                condition=~Q(kind=ActivityKind.WORKSHOP) | ~Q(title=""), name="fieldwork_activity_workshop_title"
            ),
            models.CheckConstraint(
                condition=Q(kind=ActivityKind.WORKSHOP) | Q(level=""), name="fieldwork_activity_level_workshop_only"
            ),
            # Unique among the sheets that hold one (the open ones: closing a visit frees its codes).
            models.UniqueConstraint(
                fields=["signin_code"], condition=~Q(signin_code=""), name="fieldwork_activity_signin_code_unique"
            ),
        ]

    def __str__(self):
        label = self.title or self.get_kind_display()
        return f"{label} · {self.visit}" if self.visit_id else label


class ParticipationQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(
            deleted_at__isnull=True, activity__deleted_at__isnull=True, activity__visit__deleted_at__isnull=True
        )

    def visible_to(self, user):
        """Participations `user` may see: the team's for coordinators, those of their own visits for mediators;
        for HR, those whose agent (or, for a walk-in, whose declared direction) is in their directions.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if _sees_team(user):
            return self.alive()
        if user.role == Role.MEDIATOR:
            return self.alive().filter(activity__visit__mediators=user)
        if user.role == Role.HR:
            scope = direction_scope(user)
            in_scope = (Q(agent__isnull=False) & scope.q("agent__direction")) | (
                Q(agent__isnull=True) & scope.q("direction")
            )
            return self.alive().filter(in_scope)
        return self.none()

    def open_followups(self):
        return self.filter(followup_needed=True, followup_done_on__isnull=True)


class Participation(PublicIdModel, TimestampedModel):
    """An agent (or a walk-in not found in the referential) present at an activity, and what changed for them.

    Walk-ins are recorded with their direction and category only, plus an optional first name to help
    match them later (`walkin_match` then sets `agent`). `direction` and `category` are also kept for
    agents, as they were on the day, so that counts by direction survive an agent's erasure.
    """

    activity = models.ForeignKey(
        Activity, verbose_name="activité", on_delete=models.CASCADE, related_name="participations"
    )
    agent = models.ForeignKey(
        "agents.Agent",
        verbose_name="agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    is_walk_in = models.BooleanField("hors référentiel", default=False)
    walk_in_label = models.CharField(
        "prénom ou repère",
        max_length=80,
        blank=True,
        help_text="Un prénom suffit, pour le rattacher plus tard. " + SENSITIVE_HELP,
    )
    direction = models.ForeignKey(
        "organisation.Direction",
        verbose_name="direction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField("catégorie", max_length=1, choices=Category.choices, blank=True)
    matched_at = models.DateTimeField("rattaché le", null=True, blank=True)
    signed_in_by = models.CharField(
        "inscription", max_length=16, choices=SignInMethod.choices, default=SignInMethod.MEDIATOR
    )
    # Outcomes of the session.
    mailbox_activated = models.BooleanField("messagerie activée pendant la séance", default=False)
    password_reset = models.BooleanField("mot de passe réinitialisé", default=False)
    apps_installed = models.ManyToManyField(
        "adoption.Tool", verbose_name="applications installées", blank=True, related_name="+"
    )
    autonomy = models.CharField("autonomie", max_length=24, choices=Autonomy.choices, blank=True)
    followup_needed = models.BooleanField("suivi à prévoir", default=False)
    followup_reason = models.CharField("motif du suivi", max_length=200, blank=True, help_text=SENSITIVE_HELP)
    followup_done_on = models.DateField("suivi fait le", null=True, blank=True)
    redirected_to = models.CharField("orienté vers", max_length=16, choices=Redirection.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = "participation"
        ordering = ["activity", "created_at", "id"]
        indexes = [
            models.Index(fields=["agent"], name="fieldwork_part_agent_idx"),
            models.Index(fields=["followup_needed", "followup_done_on"], name="fieldwork_part_followup_idx"),
        ]
        constraints = [
            # The same agent is on an activity's sheet once (a soft-deleted line does not count).
            models.UniqueConstraint(
                fields=["activity", "agent"],
                condition=Q(agent__isnull=False, deleted_at__isnull=True),
                name="fieldwork_participation_agent_once",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[*Category.values, ""]), name="fieldwork_participation_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(autonomy__in=[*Autonomy.values, ""]), name="fieldwork_participation_autonomy_valid"
            ),
            models.CheckConstraint(
                condition=Q(redirected_to__in=[*Redirection.values, ""]),
                name="fieldwork_participation_redirection_valid",
            ),
            models.CheckConstraint(
                condition=Q(signed_in_by__in=SignInMethod.values), name="fieldwork_participation_signin_valid"
            ),
            # A walk-in carries at least a direction, so that it can be counted and matched later.
            models.CheckConstraint(
                condition=Q(is_walk_in=False) | Q(direction__isnull=False) | Q(agent__isnull=False),
                name="fieldwork_participation_walkin_direction",
            ),
            models.CheckConstraint(
                condition=Q(followup_done_on__isnull=True) | Q(followup_needed=True),
                name="fieldwork_participation_followup_done_needs_followup",
            ),
        ]

    def __str__(self):
        if self.agent_id:
            return f"{self.agent.display_name} · {self.activity_id}"
        return f"{self.walk_in_label or 'Personne hors référentiel'} · {self.activity_id}"

    @property
    def display_name(self) -> str:
        if self.agent_id:
            return self.agent.display_name
        return self.walk_in_label or "Personne hors référentiel"

    @property
    def installed_codes(self) -> list[str]:
        return [tool.code for tool in self.apps_installed.all()]

    @property
    def followup_open(self) -> bool:
        return self.followup_needed and self.followup_done_on is None


class WriteReceipt(models.Model):
    """The receipt of a write made from a phone, under the idempotency key the phone chose.

    A phone that lost the response (or sent from its offline outbox twice) sends the same key again:
    the unique key makes the second attempt find this receipt and return the first result, writing nothing.
    """

    key = models.UUIDField("clé d'idempotence", unique=True)
    operation = models.CharField("opération", max_length=48)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField("type d'objet", max_length=64)
    object_id = models.BigIntegerField("identifiant")
    created_at = models.DateTimeField("reçu le", auto_now_add=True)

    class Meta:
        verbose_name = "accusé de saisie"
        verbose_name_plural = "accusés de saisie"

    def __str__(self):
        return f"{self.operation} {self.key}"
