"""The coordinator's week, on top of the home page: what needs them, each item a link to act.

Reads each area through its own selectors and `visible_to` (insights is the one area that aggregates):
the week's plan (planning), intervention requests waiting for a decision (interventions), tickets past or
near their deadline (helpdesk), follow-ups left open for more than `FOLLOWUP_OVERDUE_DAYS` (field work),
and where mailbox activation lags furthest behind the city's rate (the overview and the summary).
A fixed, small number of queries whatever the size of the city (a test guards it).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from relais.adoption.models import Tool
from relais.adoption.selectors import ActivationRow
from relais.insights.selectors import Overview

# A follow-up still open a week after the visit has been forgotten: the agent was promised a call back.
FOLLOWUP_OVERDUE_DAYS = 7
BEHIND_SHOWN = 5
REQUESTS_SHOWN = 3


@dataclass(frozen=True)
class PlanWeek:
    week_start: datetime.date
    iso_week: str
    exists: bool
    visits: int
    unconfirmed: int


@dataclass(frozen=True)
class Behind:
    """A group whose activation lags: `gap` = boxes it would have activated at the city's rate, minus those it has."""

    label: str
    url: str
    row: ActivationRow
    gap: int


@dataclass
class Agenda:
    plan: PlanWeek | None = None
    requests_waiting: int | None = None
    oldest_requests: list = field(default_factory=list)
    tickets_breached: int | None = None
    tickets_warning: int | None = None
    followups_overdue: int | None = None
    followups_since: datetime.date | None = None
    directions_behind: list[Behind] = field(default_factory=list)
    sites_behind: list[Behind] = field(default_factory=list)


def _iso(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def agenda_week_start(today: datetime.date) -> datetime.date:
    """Monday of the week being worked: this week from Monday to Friday, next week at the weekend."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday + datetime.timedelta(days=7) if today.weekday() >= 5 else monday


def _plan_week(user, today: datetime.date) -> PlanWeek:
    from relais.planning.models import Plan

    week_start = agenda_week_start(today)
    plan = (
        Plan.objects.visible_to(user)
        .filter(week_start=week_start)
        .annotate(
            n_visits=Count("visits"),
            n_unconfirmed=Count("visits", filter=Q(visits__fieldwork_visit__isnull=True)),
        )
        .order_by("-created_at")
        .first()
    )
    visits = plan.n_visits if plan else 0
    unconfirmed = plan.n_unconfirmed if plan else 0
    return PlanWeek(
        week_start=week_start,
        iso_week=_iso(week_start),
        exists=plan is not None,
        visits=visits,
        unconfirmed=unconfirmed,
    )


def _behind(rows: list[ActivationRow], city_rate: float, label_url) -> list[Behind]:
    out = []
    for row in rows:
        gap = round(city_rate * row.accounts) - row.activated
        if row.key is None or gap <= 0:
            continue
        label, url = label_url(row)
        out.append(Behind(label=label, url=url, row=row, gap=gap))
    out.sort(key=lambda b: (-b.gap, b.label))
    return out[:BEHIND_SHOWN]


def _sites_behind(user, tool: Tool, city_rate: float) -> list[Behind]:
    from django.urls import reverse

    from relais.insights import summary
    from relais.insights.population import PopulationFilter
    from relais.organisation.models import Site

    cells = summary.cells(user=user, tool=tool, population=PopulationFilter(), fields=["site_id"])
    rows = [
        ActivationRow(
            key=c["site_id"], label="", agents=c["agents"], accounts=c["provisioned"], activated=c["activated"]
        )
        for c in cells
        if c["site_id"] is not None
    ]
    ranked = _behind(rows, city_rate, lambda r: ("", ""))
    named = Site.objects.visible_to(user).filter(pk__in=[b.row.key for b in ranked]).only("name", "public_id")
    sites = {s.pk: s for s in named}
    return [
        Behind(
            label=sites[b.row.key].name,
            url=reverse("planning:site_detail", args=[sites[b.row.key].public_id]),
            row=b.row,
            gap=b.gap,
        )
        for b in ranked
        if b.row.key in sites
    ]


def _lagging(user, overview: Overview, *, with_sites: bool) -> tuple[list[Behind], list[Behind]]:
    from django.urls import reverse

    from relais.organisation.models import Direction

    city_rate = overview.total.activated / overview.total.accounts
    codes = dict(Direction.objects.visible_to(user).values_list("pk", "code"))
    adoption = reverse("insights:adoption")
    directions = _behind(
        overview.by_direction, city_rate, lambda r: (r.label, f"{adoption}?direction={codes.get(r.key, '')}")
    )
    return directions, (_sites_behind(user, overview.tool, city_rate) if with_sites else [])


def coordinator_agenda(*, user, overview: Overview | None, reading=None) -> Agenda:
    """What needs the coordination this week, each part only when `user` may act on it.

    `reading` (`summary.check()`, read once by the page): the lagging sites come from the summary when it may be
    read today, and the lagging groups are memoised on its mark; the counts to act on are always live.
    """
    from relais.fieldwork.models import Participation
    from relais.fieldwork.permissions import can_view_team_activities
    from relais.helpdesk.permissions import can_use_helpdesk
    from relais.helpdesk.selectors import QueueFilters, ticket_queue
    from relais.interventions.enums import RequestStatus
    from relais.interventions.models import InterventionRequest
    from relais.interventions.permissions import can_triage
    from relais.planning.permissions import can_plan

    today = timezone.localdate()
    agenda = Agenda()
    if can_plan(user):
        agenda.plan = _plan_week(user, today)
    if can_triage(user):
        waiting = InterventionRequest.objects.visible_to(user).filter(status=RequestStatus.SUBMITTED)
        agenda.oldest_requests = list(waiting.select_related("direction").order_by("created_at")[:REQUESTS_SHOWN])
        agenda.requests_waiting = (
            len(agenda.oldest_requests) if len(agenda.oldest_requests) < REQUESTS_SHOWN else waiting.count()
        )
    if can_use_helpdesk(user):
        # The queue's own rules (open tickets, stored deadlines), both counts in one query.
        now = timezone.now()
        counts = (
            ticket_queue(user=user, filters=QueueFilters(view="open"), now=now)
            .order_by()
            .aggregate(
                breached=Count("pk", filter=Q(due_at__lte=now)),
                warning=Count("pk", filter=Q(warn_at__lte=now, due_at__gt=now)),
            )
        )
        agenda.tickets_breached, agenda.tickets_warning = counts["breached"], counts["warning"]
    if can_view_team_activities(user):
        agenda.followups_since = today - datetime.timedelta(days=FOLLOWUP_OVERDUE_DAYS)
        agenda.followups_overdue = (
            Participation.objects.visible_to(user)
            .open_followups()
            .filter(activity__visit__date__lt=agenda.followups_since)
            .count()
        )
    if overview is not None and overview.total.accounts:
        from relais.insights import summary
        from relais.insights.memo import memoised

        with_sites = bool(
            reading is not None
            and summary.enabled()
            and reading.day == today
            and (reading.fresh or reading.behind is not None)
        )
        agenda.directions_behind, agenda.sites_behind = memoised(
            "agenda_behind",
            user=user,
            params=(overview.tool.pk, today, with_sites),
            compute=lambda: _lagging(user, overview, with_sites=with_sites),
            mark=reading.mark if reading is not None else None,
        )
    return agenda
