"""Campaign targets: "80 % of DPE and DFPE agents with an activated mailbox by 1 December"."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.accounts.scopes import direction_scope
from relais.core.models import PublicIdModel, TimestampedModel
from relais.insights.population import PopulationFilter


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns are the team's: administrators and coordinators see them all, nobody else."""
        from relais.insights.permissions import can_manage_campaigns

        if not can_manage_campaigns(user) or not direction_scope(user).everything:
            return self.none()
        return self.all()


class Campaign(PublicIdModel, TimestampedModel):
    """A target share of a population of agents with an activated account on a tool, by a deadline.

    The population is given by filters (empty = no restriction); it is recomputed each day from the
    referential, so arrivals and departures count as they happen.
    """

    name = models.CharField("nom", max_length=150)
    purpose = models.CharField(
        "pourquoi", max_length=300, blank=True, help_text="Par exemple : élections professionnelles."
    )
    tool = models.ForeignKey("adoption.Tool", verbose_name="outil", on_delete=models.PROTECT, related_name="+")
    target_share = models.FloatField("part visée")
    deadline = models.DateField("échéance")
    directions = models.ManyToManyField(
        "organisation.Direction", verbose_name="directions", blank=True, related_name="+"
    )
    categories = models.JSONField("catégories", default=list, blank=True)
    site_kinds = models.JSONField("types de site", default=list, blank=True)
    statuts = models.JSONField("statuts", default=list, blank=True)
    filieres = models.JSONField("filières", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne"
        ordering = ["deadline", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_share__gt=0, target_share__lte=1), name="insights_campaign_target_share_range"
            ),
        ]

    def __str__(self):
        return self.name

    def population(self) -> PopulationFilter:
        return PopulationFilter(
            directions=tuple(sorted(d.pk for d in self.directions.all())),
            categories=tuple(self.categories),
            site_kinds=tuple(self.site_kinds),
            statuts=tuple(self.statuts),
            filieres=tuple(self.filieres),
        )


# --- The adoption summary: a pre-aggregation shared by every server process (relais/insights/summary.py) ---------


def _ref(model: str):
    """A reference without a database constraint: the summary is rebuilt, never edited, and must not block deletes.

    No index of its own either: the summary's tables are read by direction and tool (one index each), and every
    extra index is maintained for each of the million rows a rebuild writes at 2,000,000 agents.
    """
    return models.ForeignKey(
        model, null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )


class AdoptionCell(models.Model):
    """Today's counts for one combination of an agent's groupings.

    Rows with no tool hold the agents in post (`agents`); rows with a tool hold that tool's accounts of those
    agents (`provisioned`, `activated`, `recent`). Rebuilt whole by `relais.insights.summary.rebuild`.
    """

    tool = _ref("adoption.Tool")
    direction = _ref("organisation.Direction")
    service = _ref("organisation.Service")
    site = _ref("organisation.Site")
    category = models.CharField(max_length=8)
    filiere = models.CharField(max_length=32)
    statut = models.CharField(max_length=32)
    met = models.BooleanField(default=False)  # met by a mediator by the summary's day (the impact's "met")
    agents = models.IntegerField(default=0)
    provisioned = models.IntegerField(default=0)
    activated = models.IntegerField(default=0)
    recent = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["direction", "tool"], name="insights_cell_dir_tool")]

    def __str__(self):
        return f"cellule {self.pk}"


class TrendStep(models.Model):
    """The change, on the trend's grid day `day` (a date ordinal), of agents in post, accounts held and activated.

    Every dated event (arrival, departure, account created, first sign-in, disabled) is added to the first grid
    day on or after it (the grid: the first of each of the last 12 months, and the summary's day), so the sum
    of the steps up to a grid day is the count on that day, exactly. Rows with no tool hold agents in post.
    """

    tool = _ref("adoption.Tool")
    direction = _ref("organisation.Direction")
    site_kind = models.CharField(max_length=32, null=True)
    category = models.CharField(max_length=8)
    filiere = models.CharField(max_length=32)
    statut = models.CharField(max_length=32)
    day = models.IntegerField()
    agents = models.IntegerField(default=0)
    provisioned = models.IntegerField(default=0)
    activated = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["direction", "tool"], name="insights_step_dir_tool")]

    def __str__(self):
        return f"pas {self.pk} ({self.day})"


class SummaryState(models.Model):
    """One row: what the summary was built from (day, journal and sites tokens), when, and how long it took."""

    day = models.DateField(null=True)
    token = models.CharField(max_length=200, default="")
    built_at = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)  # how long the last whole rebuild took
    # The journal as the summary last saw it: the last entry that can move it, and how many such entries lay
    # among the WINDOW ids up to it (a later count that differs means a transaction committed late).
    journal_last = models.BigIntegerField(null=True)
    journal_window = models.IntegerField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"résumé du {self.day}"


class AdoptionGroup(models.Model):
    """`AdoptionCell` summed without service and site: the coarse groups most figures need (a few thousand rows)."""

    tool = _ref("adoption.Tool")
    direction = _ref("organisation.Direction")
    site_kind = models.CharField(max_length=32, null=True)
    category = models.CharField(max_length=8)
    filiere = models.CharField(max_length=32)
    statut = models.CharField(max_length=32)
    met = models.BooleanField(default=False)  # met by a mediator by the summary's day (the impact's "met")
    agents = models.IntegerField(default=0)
    provisioned = models.IntegerField(default=0)
    activated = models.IntegerField(default=0)
    recent = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"groupe {self.pk}"


class AdoptionPlace(models.Model):
    """`AdoptionCell` summed by direction, service and site only: the unfiltered service and site breakdowns."""

    tool = _ref("adoption.Tool")
    direction = _ref("organisation.Direction")
    service = _ref("organisation.Service")
    site = _ref("organisation.Site")
    agents = models.IntegerField(default=0)
    provisioned = models.IntegerField(default=0)
    activated = models.IntegerField(default=0)
    recent = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"lieu {self.pk}"
