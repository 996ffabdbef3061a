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
