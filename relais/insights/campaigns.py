"""A campaign's progress, its projection at the current pace and the what-if on the number of mediators.

- Progress: agents of the population in post today, and those with an activated account on the tool
  (the share of agents, as the target is worded: "80 % of agents with an activated mailbox").
- Current pace: the weekly gain in activated agents of the population over the last `WEEKS` weeks,
  read from the adoption history (the same rule as the trend); projection = today + missing ÷ pace.
- What-if (`relais.planning.forecast`): mediators' pace = activations recorded in sessions per
  mediator-week (observed, else from the plan); activations without the mediators ("organic") =
  the population's weekly gain minus the activations recorded in sessions for it. The date with N
  mediators and the mediators needed for the deadline assume they work on this population.
"""

import datetime
import math
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from relais.accounts.enums import Role
from relais.adoption.models import MAILBOX
from relais.fieldwork.models import Participation
from relais.insights.adoption import TrendPoint, trend
from relais.insights.memo import memoised
from relais.insights.models import Campaign
from relais.insights.tables import Column, Table
from relais.planning import forecast

WEEKS = 8


@dataclass
class CampaignProgress:
    campaign: Campaign
    day: datetime.date
    weekly: list[TrendPoint]
    gain_per_week: float
    in_session_per_week: float
    pace: forecast.Pace | None
    mediators_now: int

    @property
    def agents(self) -> int:
        return self.weekly[-1].agents

    @property
    def activated(self) -> int:
        return self.weekly[-1].activated

    @property
    def share(self) -> float | None:
        return self.activated / self.agents if self.agents else None

    @property
    def target_count(self) -> int:
        return math.ceil(self.campaign.target_share * self.agents)

    @property
    def missing(self) -> int:
        return max(0, self.target_count - self.activated)

    @property
    def reached(self) -> bool:
        return self.agents > 0 and self.missing == 0

    @property
    def organic_per_week(self) -> float:
        return max(0.0, self.gain_per_week - self.in_session_per_week)

    @property
    def projected_date(self) -> datetime.date | None:
        """When the target is met if the last weeks' pace goes on; None if the pace is nil."""
        if self.missing == 0:
            return self.day
        if self.gain_per_week <= 0:
            return None
        return self.day + datetime.timedelta(days=math.ceil(7 * self.missing / self.gain_per_week))

    @property
    def on_track(self) -> bool:
        date = self.projected_date
        return date is not None and date <= self.campaign.deadline

    def population(self) -> forecast.Population:
        return forecast.Population(total=self.agents, activated=self.activated)

    def date_with(self, mediators: int) -> datetime.date | None:
        if self.pace is None:
            return None
        return forecast.target_date(
            population=self.population(),
            target_share=self.campaign.target_share,
            mediators=mediators,
            pace=self.pace.per_mediator_week,
            start=self.day,
            organic_per_week=self.organic_per_week,
        )

    def mediators_needed(self) -> int | None:
        if self.pace is None:
            return None
        return forecast.mediators_needed(
            population=self.population(),
            target_share=self.campaign.target_share,
            deadline=self.campaign.deadline,
            pace=self.pace.per_mediator_week,
            start=self.day,
            organic_per_week=self.organic_per_week,
        )


def campaign_progress(*, user, campaign: Campaign, day: datetime.date | None = None) -> CampaignProgress:
    """Progress, pace and what-if inputs of `campaign` on `day` (memoised until the journal moves)."""
    day = day or timezone.localdate()
    population = campaign.population()

    def compute():
        days = [day - datetime.timedelta(weeks=w) for w in range(WEEKS, -1, -1)]
        weekly = trend(user=user, tool=campaign.tool, days=days, population=population)
        gain = (weekly[-1].activated - weekly[0].activated) / WEEKS
        in_session = 0
        if campaign.tool.code == MAILBOX:
            in_session = (
                Participation.objects.visible_to(user)
                .filter(
                    mailbox_activated=True,
                    agent__isnull=False,
                    activity__visit__date__gt=days[0],
                    activity__visit__date__lte=day,
                )
                .filter(population.q("agent__"))
                .count()
            )
        mediators = get_user_model().objects.filter(role=Role.MEDIATOR, is_active=True).count()
        return CampaignProgress(
            campaign=campaign,
            day=day,
            weekly=weekly,
            gain_per_week=gain,
            in_session_per_week=in_session / WEEKS,
            pace=forecast.current_pace(today=day),
            mediators_now=mediators,
        )

    params = (campaign.pk, campaign.updated_at, day)
    return memoised("campaign", user=user, params=params, compute=compute)


def progress_table(progress: CampaignProgress) -> Table:
    return Table(
        key="campaign-weekly",
        caption=f"{progress.campaign.name} : agents avec un compte activé, semaine par semaine",
        columns=[
            Column("Jour", "date"),
            Column("Agents en poste", "int", is_size=True),
            Column("Agents avec compte activé", "int"),
            Column("Part des agents", "rate"),
            Column("Objectif", "rate"),
        ],
        rows=[
            [p.day, p.agents, p.activated, p.activated / p.agents if p.agents else None, progress.campaign.target_share]
            for p in progress.weekly
        ],
    )
