"""Planning: priority weights, mediators' availability, weekly plans and their proposed visits.

A plan is a proposal for one week. Its visits become field-work visits (`relais.fieldwork.Visit`) only
when the coordinator confirms them; from then on they are fixed for any re-planning of the week.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from relais.accounts.enums import Role
from relais.core.models import PublicIdModel, TimestampedModel
from relais.planning.enums import PlanStatus, RunStatus


class PriorityWeights(TimestampedModel):
    """The weights of the site priority score; one row, edited by the coordinator."""

    tool = models.ForeignKey(
        "adoption.Tool",
        verbose_name="outil de la campagne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Par défaut : la messagerie professionnelle.",
    )
    per_agent_without_account = models.FloatField("points par agent sans compte activé", default=1.0)
    category_c_field_share = models.FloatField("points pour 100 % d'agents de catégorie C de terrain", default=20.0)
    per_day_since_visit = models.FloatField("points par jour depuis la dernière visite", default=0.1)
    days_since_visit_cap = models.PositiveSmallIntegerField("jours comptés au plus", default=180)
    per_open_request = models.FloatField("points par demande de direction ouverte", default=15.0)
    per_open_followup = models.FloatField("points par suivi à faire", default=3.0)
    per_agent_needing_help = models.FloatField(
        "points par agent « à accompagner » sur l'outil (compétences numériques)",
        default=0.5,
        help_text="Selon les résultats Pix et les diagnostics : les sites dont les agents ont le plus besoin d'aide "
        "passent d'abord, à nombre d'agents sans compte égal.",
    )
    session_minutes = models.PositiveSmallIntegerField("durée d'une séance (minutes)", default=45)
    session_capacity = models.PositiveSmallIntegerField("agents par séance au plus", default=12)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "pondération des priorités"
        verbose_name_plural = "pondérations des priorités"
        constraints = [
            models.CheckConstraint(condition=Q(session_minutes__gte=15), name="planning_priorityweights_session_min"),
            models.CheckConstraint(condition=Q(session_capacity__gte=1), name="planning_priorityweights_capacity_min"),
        ]

    def __str__(self):
        return "Pondération des priorités"

    @classmethod
    def current(cls) -> "PriorityWeights":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls(pk=None)


class MediatorProfile(TimestampedModel):
    """Where and when a mediator works: offices, hours, days (part time) and preferred areas."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="planning_profile",
        limit_choices_to={"role": Role.MEDIATOR},
    )
    office_label = models.CharField("bureau de départ", max_length=120, default="Hôtel de Ville")
    office_latitude = models.FloatField("latitude du départ", default=48.8566)
    office_longitude = models.FloatField("longitude du départ", default=2.3522)
    end_office_label = models.CharField("bureau d'arrivée", max_length=120, blank=True, help_text="Vide : le même.")
    end_office_latitude = models.FloatField("latitude de l'arrivée", null=True, blank=True)
    end_office_longitude = models.FloatField("longitude de l'arrivée", null=True, blank=True)
    day_starts_at = models.TimeField("début de journée", default=datetime.time(8, 0))
    day_ends_at = models.TimeField("fin de journée", default=datetime.time(16, 30))
    works_monday = models.BooleanField("lundi", default=True)
    works_tuesday = models.BooleanField("mardi", default=True)
    works_wednesday = models.BooleanField("mercredi", default=True)
    works_thursday = models.BooleanField("jeudi", default=True)
    works_friday = models.BooleanField("vendredi", default=True)
    preferred_postcodes = models.CharField(
        "secteurs préférés", max_length=200, blank=True, help_text="Codes postaux séparés par des virgules."
    )

    class Meta:
        verbose_name = "disponibilité d'un médiateur"
        verbose_name_plural = "disponibilités des médiateurs"
        constraints = [
            models.CheckConstraint(condition=Q(day_ends_at__gt=F("day_starts_at")), name="planning_profile_day_order"),
        ]

    def __str__(self):
        return f"Disponibilités de {self.user}"

    def works_on(self, weekday: int) -> bool:
        flags = [self.works_monday, self.works_tuesday, self.works_wednesday, self.works_thursday, self.works_friday]
        return weekday < 5 and flags[weekday]

    @property
    def start_point(self) -> tuple[float, float]:
        return (self.office_latitude, self.office_longitude)

    @property
    def end_point(self) -> tuple[float, float]:
        if self.end_office_latitude is None or self.end_office_longitude is None:
            return self.start_point
        return (self.end_office_latitude, self.end_office_longitude)

    @property
    def preferred_areas(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.preferred_postcodes.split(",") if p.strip())


class Absence(TimestampedModel):
    """A period a mediator is away (leave, training). Never the reason for a sick leave: health data."""

    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_absences")
    starts_on = models.DateField("du")
    ends_on = models.DateField("au (inclus)")
    label = models.CharField("motif", max_length=80, blank=True, help_text="Congé, formation… jamais de motif médical.")

    class Meta:
        verbose_name = "absence"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="planning_absence_order"),
        ]

    def __str__(self):
        return f"{self.mediator} absent du {self.starts_on:%d/%m} au {self.ends_on:%d/%m}"


class CalendarFeed(TimestampedModel):
    """A mediator's private iCalendar address: an unguessable token, revocable (a new one replaces it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "agenda personnel"

    def __str__(self):
        return f"Agenda de {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from relais.planning.permissions import can_plan

        return self if can_plan(user) else self.none()


class Plan(PublicIdModel, TimestampedModel):
    week_start = models.DateField("semaine du")
    status = models.CharField("état", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    session_minutes = models.PositiveSmallIntegerField("durée d'une séance (minutes)", default=45)
    session_capacity = models.PositiveSmallIntegerField("agents par séance au plus", default=12)
    agents_reached = models.PositiveIntegerField("agents atteints", default=0)
    upper_bound = models.PositiveIntegerField("borne supérieure", null=True, blank=True)
    greedy_agents = models.PositiveIntegerField("méthode simple", null=True, blank=True)
    ratio_greedy_agents = models.PositiveIntegerField("glouton au ratio (agents par minute)", null=True, blank=True)
    solve_seconds = models.FloatField("durée du calcul (s)", default=0)
    notes = models.JSONField("remarques", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "planning de la semaine"
        verbose_name_plural = "plannings"
        ordering = ["-week_start", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="planning_plan_status_valid"),
        ]

    def __str__(self):
        year, week, _ = self.week_start.isocalendar()
        return f"Semaine {week} de {year}"

    @property
    def iso_week(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


class PlannedVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        from relais.planning.permissions import can_plan

        if can_plan(user):
            return self
        if user.is_authenticated and user.role == Role.MEDIATOR:
            return self.filter(mediator=user)
        return self.none()


class PlannedVisit(PublicIdModel, TimestampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="visits")
    site = models.ForeignKey("organisation.Site", on_delete=models.PROTECT, related_name="+")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="planned_visits")
    date = models.DateField("date")
    starts_at = models.TimeField("début")
    ends_at = models.TimeField("fin")
    expected_agents = models.PositiveSmallIntegerField("agents attendus", default=0)
    locked = models.BooleanField("verrouillée", default=False)
    fieldwork_visit = models.OneToOneField(
        "fieldwork.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="planned_visit"
    )

    objects = PlannedVisitQuerySet.as_manager()

    class Meta:
        verbose_name = "visite proposée"
        verbose_name_plural = "visites proposées"
        ordering = ["date", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="planning_plannedvisit_time_order"),
            models.UniqueConstraint(fields=["plan", "site"], name="planning_plannedvisit_once_per_site"),
        ]

    def __str__(self):
        return f"{self.site} · {self.date:%d/%m} {self.starts_at:%H:%M}"

    @property
    def is_confirmed(self) -> bool:
        return self.fieldwork_visit_id is not None

    @property
    def is_fixed(self) -> bool:
        return self.locked or self.is_confirmed


class PlanRun(PublicIdModel, TimestampedModel):
    """One "Proposer un planning" (or what-if) computed by the worker; the page follows its progress.

    A what-if (more mediators than the team) keeps only its figures in `result`: its hypothetical
    mediators never become rows.
    """

    week_start = models.DateField("semaine du")
    mediators = models.PositiveSmallIntegerField("médiateurs demandés", null=True, blank=True)
    status = models.CharField("état", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    phase = models.CharField("étape", max_length=120, blank=True)
    progress_percent = models.PositiveSmallIntegerField("avancement (%)", default=0)
    error = models.TextField("erreur", blank=True)
    result = models.JSONField("résumé", default=dict, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "calcul de planning"
        verbose_name_plural = "calculs de planning"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="planning_planrun_status_valid"),
        ]

    def __str__(self):
        return f"Calcul du planning du {self.week_start:%d/%m/%Y}"

    @property
    def is_in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def iso_week(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"
