"""Digital tools and their adoption by agents, as a dated history of observations.

Facts, not statuses, are stored: when an account was provisioned, first signed into, last used,
disabled. The status on any day is derived from them (`status_on`, `annotate_status`), so that a
"used in the last 30 days" status never goes stale and any past day can be recomputed.
"""

import datetime

from django.db import models
from django.db.models import Case, Q, Value, When

from relais.accounts.scopes import direction_scope
from relais.adoption.enums import RECENT_USE_DAYS, AdoptionStatus, Source
from relais.core.models import PublicIdModel, TimestampedModel


class Tool(PublicIdModel, TimestampedModel):
    """A digital tool the programme helps agents adopt: the professional mailbox first."""

    code = models.SlugField("code", max_length=32, unique=True)
    name = models.CharField("nom", max_length=120)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("suivi", default=True)

    class Meta:
        verbose_name = "outil numérique"
        verbose_name_plural = "outils numériques"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


MAILBOX = "messagerie"


def status_from_facts(
    *,
    day: datetime.date,
    provisioned_on: datetime.date | None,
    activated_on: datetime.date | None,
    last_activity_on: datetime.date | None,
    disabled_on: datetime.date | None,
) -> AdoptionStatus:
    """The rung of the ladder an account stands on, on `day`, from its known dates.

    Dates after `day` are not known on `day`: an account provisioned later has no account yet.
    """
    if disabled_on is not None and disabled_on <= day:
        return AdoptionStatus.DISABLED
    known_since = min((d for d in (provisioned_on, activated_on) if d is not None), default=None)
    if known_since is None or known_since > day:
        return AdoptionStatus.NO_ACCOUNT
    if last_activity_on is not None and last_activity_on <= day:
        if (day - last_activity_on).days <= RECENT_USE_DAYS:
            return AdoptionStatus.ACTIVE_30D
        return AdoptionStatus.USED
    if activated_on is not None and activated_on <= day:
        return AdoptionStatus.ACTIVATED
    return AdoptionStatus.PROVISIONED


class ToolAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(direction_scope(user).q("agent__direction"))

    def annotate_status(self, day: datetime.date | None = None):
        """`status` on `day` (today by default) from the current facts, computed in SQL.

        Equal to `status_from_facts` with the account's latest facts; for a past day where the last
        activity has moved on since, use `relais.adoption.selectors.status_on` (reads the history).
        """
        day = day or datetime.date.today()
        recent = day - datetime.timedelta(days=RECENT_USE_DAYS)
        return self.annotate(
            status=Case(
                When(disabled_on__lte=day, then=Value(AdoptionStatus.DISABLED)),
                When(
                    ~Q(provisioned_on__lte=day) & ~Q(activated_on__lte=day),
                    then=Value(AdoptionStatus.NO_ACCOUNT),
                ),
                When(
                    last_activity_on__gte=recent,
                    last_activity_on__lte=day,
                    then=Value(AdoptionStatus.ACTIVE_30D),
                ),
                When(last_activity_on__lte=day, then=Value(AdoptionStatus.USED)),
                When(activated_on__lte=day, then=Value(AdoptionStatus.ACTIVATED)),
                default=Value(AdoptionStatus.PROVISIONED),
                output_field=models.CharField(),
            )
        )

    def activated_on_day(self, day: datetime.date):
        """Accounts activated on or before `day` and not disabled by then (the activation rate's numerator)."""
        return self.filter(activated_on__lte=day).exclude(disabled_on__lte=day)


class ToolAccount(TimestampedModel):
    """An agent's account on a tool, with the latest known facts merged from every observation."""

    # No index of their own: the unique (agent, tool) and the (tool, …) indexes below serve both keys.
    agent = models.ForeignKey("agents.Agent", on_delete=models.CASCADE, related_name="tool_accounts", db_index=False)
    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="accounts", db_index=False)
    login = models.CharField(
        "identifiant", max_length=254, blank=True, help_text="Adresse, UPN ou identifiant dans l'outil."
    )
    provisioned_on = models.DateField("créé le", null=True, blank=True)
    activated_on = models.DateField("première connexion le", null=True, blank=True)
    last_activity_on = models.DateField("dernière activité le", null=True, blank=True)
    disabled_on = models.DateField("désactivé le", null=True, blank=True)

    objects = ToolAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "compte"
        constraints = [
            models.UniqueConstraint(fields=["agent", "tool"], name="adoption_toolaccount_one_per_agent_tool"),
        ]
        indexes = [
            models.Index(fields=["tool", "activated_on"], name="adoption_acct_tool_act_idx"),
            models.Index(fields=["tool", "login"], name="adoption_acct_tool_login_idx"),
        ]

    def __str__(self):
        return f"{self.tool} · {self.agent_id}"

    def status_on(self, day: datetime.date | None = None) -> AdoptionStatus:
        return status_from_facts(
            day=day or datetime.date.today(),
            provisioned_on=self.provisioned_on,
            activated_on=self.activated_on,
            last_activity_on=self.last_activity_on,
            disabled_on=self.disabled_on,
        )


class Observation(models.Model):
    """What one source said about one account on one day (its as-of date, which lags by source).

    Append-only history: rates for a past day are recomputed from it. Re-importing the same report
    adds nothing (one observation per account, source and as-of date).
    """

    # Served by the unique (account, as_of, source) index, which also orders an account's history by day.
    account = models.ForeignKey(ToolAccount, on_delete=models.CASCADE, related_name="observations", db_index=False)
    source = models.CharField("source", max_length=16, choices=Source.choices)
    as_of = models.DateField("situation au")
    provisioned_on = models.DateField("créé le", null=True, blank=True)
    first_sign_in_on = models.DateField("première connexion le", null=True, blank=True)
    last_activity_on = models.DateField("dernière activité le", null=True, blank=True)
    is_disabled = models.BooleanField("désactivé", default=False)
    # Which import, sync or mediation session produced it (free reference; no foreign key across areas).
    reference = models.CharField("référence", max_length=64, blank=True)
    recorded_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "observation"
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "as_of", "source"], name="adoption_observation_one_per_source_day"
            ),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="adoption_observation_source_valid"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} au {self.as_of:%d/%m/%Y}"
