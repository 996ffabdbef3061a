"""Capacity forecast: when a campaign target is reached with N mediators, and how many a date needs.

Pace = mailbox activations brought by one mediator in one week. Observed pace first: activations
recorded during mediation sessions (field work) divided by the mediator-weeks that produced them,
over the last `weeks` weeks. When there are too few observations (a new team), the plan model gives it:
agents reached per mediator-week in the latest plan × the share of agents met who activate.

Activations that happen without the mediators (`organic_per_week`) are added when known; by default
the forecast counts the mediators' effect only, which errs on the cautious side.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, Q

from relais.adoption.models import MAILBOX, ToolAccount
from relais.agents.models import Agent
from relais.fieldwork.models import Participation, Visit

# Share of the agents a session reaches who activate their mailbox during or just after it, used only
# while there are no observations yet (the reference case reports activation "rising sharply" among
# agents met; 0.5 is a cautious planning figure, not a measured one).
DEFAULT_CONVERSION = 0.5
MIN_OBSERVED_WEEKS = 4


@dataclass
class Pace:
    per_mediator_week: float
    source: str  # "observed" or "plan"
    explanation: str


@dataclass
class Population:
    total: int
    activated: int

    @property
    def share(self) -> float:
        return self.activated / self.total if self.total else 0.0


def population(*, agents=None, today: datetime.date | None = None, tool_code: str = MAILBOX) -> Population:
    """Active agents (all, or the given queryset) and how many have an activated account on the tool."""
    today = today or datetime.date.today()
    agents = agents if agents is not None else Agent.objects.all()
    agents = agents.filter(Q(exit_date__isnull=True) | Q(exit_date__gt=today))
    activated = (
        ToolAccount.objects.filter(agent__in=agents, tool__code=tool_code)
        .activated_on_day(today)
        .values("agent")
        .distinct()
        .count()
    )
    return Population(total=agents.count(), activated=activated)


def observed_pace(*, today: datetime.date | None = None, weeks: int = 12) -> Pace | None:
    today = today or datetime.date.today()
    since = today - datetime.timedelta(weeks=weeks)
    activations = Participation.objects.filter(
        deleted_at__isnull=True,
        mailbox_activated=True,
        activity__visit__date__gte=since,
        activity__visit__date__lte=today,
    ).count()
    # Mediator-weeks: each (mediator, ISO week) with at least one visit.
    rows = Visit.objects.alive().filter(date__gte=since, date__lte=today).values_list("mediators", "date").distinct()
    mediator_weeks = {(m, d.isocalendar()[:2]) for m, d in rows if m is not None}
    observed_weeks = {w for _, w in mediator_weeks}
    if len(observed_weeks) < MIN_OBSERVED_WEEKS or not mediator_weeks:
        return None
    pace = activations / len(mediator_weeks)
    return Pace(
        pace,
        "observed",
        f"{activations} activations en séance sur {len(mediator_weeks)} semaines-médiateur "
        f"({len(observed_weeks)} semaines observées).",
    )


def plan_pace(conversion: float = DEFAULT_CONVERSION) -> Pace | None:
    from relais.planning.models import Plan

    plan = Plan.objects.filter(agents_reached__gt=0).order_by("-created_at").first()
    if plan is None:
        return None
    mediators = plan.visits.values("mediator").distinct().count() or 1
    reached = plan.agents_reached / mediators
    return Pace(
        reached * conversion,
        "plan",
        f"{plan.agents_reached} agents atteints par {mediators} médiateurs dans le planning {plan}, "
        f"× {conversion:.0%} d'activations parmi les agents rencontrés (hypothèse).",
    )


def current_pace(*, today: datetime.date | None = None) -> Pace | None:
    return observed_pace(today=today) or plan_pace()


def target_date(
    *,
    population: Population,
    target_share: float,
    mediators: int,
    pace: float,
    start: datetime.date,
    organic_per_week: float = 0.0,
) -> datetime.date | None:
    """Monday-based date when `target_share` of the population is activated; None if never at this pace."""
    missing = math.ceil(target_share * population.total) - population.activated
    if missing <= 0:
        return start
    per_week = mediators * pace + organic_per_week
    if per_week <= 0:
        return None
    return start + datetime.timedelta(weeks=math.ceil(missing / per_week))


def target_date_with_growth(
    *,
    population: Population,
    target_share: float,
    capacities: list[float],
    pace: float,
    start: datetime.date,
    organic_per_week: float = 0.0,
) -> datetime.date | None:
    """Like `target_date`, with the team's full-time equivalents week by week (the last one carries on)."""
    missing = math.ceil(target_share * population.total) - population.activated
    if missing <= 0:
        return start
    if not capacities:
        return None
    done, week = 0.0, 0
    for week, capacity in enumerate(capacities, start=1):
        done += capacity * pace + organic_per_week
        if done >= missing:
            return start + datetime.timedelta(weeks=week)
    per_week = capacities[-1] * pace + organic_per_week
    if per_week <= 0:
        return None
    return start + datetime.timedelta(weeks=week + math.ceil((missing - done) / per_week))


def mediators_needed(
    *,
    population: Population,
    target_share: float,
    deadline: datetime.date,
    pace: float,
    start: datetime.date,
    organic_per_week: float = 0.0,
) -> int | None:
    """Fewest mediators that reach the target by `deadline`; None if no number can (no time or no pace)."""
    missing = math.ceil(target_share * population.total) - population.activated
    if missing <= 0:
        return 0
    weeks = (deadline - start).days // 7
    if weeks <= 0 or pace <= 0:
        return None
    return max(0, math.ceil((missing - organic_per_week * weeks) / (weeks * pace)))


def activation_by_direction(*, today: datetime.date | None = None) -> list[tuple[str, int, int]]:
    """(direction code, active agents, activated) for the forecast page's population choice."""
    today = today or datetime.date.today()
    rows = (
        Agent.objects.filter(Q(exit_date__isnull=True) | Q(exit_date__gt=today), direction__isnull=False)
        .values("direction__code")
        .annotate(
            total=Count("pk", distinct=True),
            activated=Count(
                "tool_accounts",
                filter=Q(tool_accounts__tool__code=MAILBOX, tool_accounts__activated_on__lte=today)
                & ~Q(tool_accounts__disabled_on__lte=today),
                distinct=True,
            ),
        )
        .order_by("direction__code")
    )
    return [(r["direction__code"], r["total"], r["activated"]) for r in rows]
