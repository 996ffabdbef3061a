"""The site priority score: transparent, term by term, computed set-based for every site at once.

score = w₁ × agents still without an activated account on the campaign's tool
      + w₂ × share of category C field staff (agents who use no computer), 0 to 1
      + w₃ × days since the last visit (capped; never visited counts as the cap)
      + w₄ × open requests from the directorate for the site
      + w₅ × open follow-ups of agents met there
      + w₆ × people of the site "à accompagner" with the campaign's tool (Pix results, diagnostics:
             `relais.skills.profiles`), so that sites whose agents need the most help come first

Open requests come from pluggable sources (`REQUEST_SOURCES`): the interventions area when it is
installed, nothing otherwise.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q

from relais.adoption.models import MAILBOX, Tool, ToolAccount
from relais.agents.enums import Category
from relais.agents.models import Agent
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Participation, Visit
from relais.interventions.enums import RequestStatus
from relais.interventions.models import InterventionRequest
from relais.planning.models import PriorityWeights
from relais.skills.profiles import site_help_counts


@dataclass
class Term:
    label: str
    value: float
    unit: str
    weight: float

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass
class SiteScore:
    site_id: int
    agents: int
    without_account: int
    category_c_field: int
    days_since_visit: int | None
    open_requests: int
    open_followups: int
    terms: list[Term]
    needing_help: int = 0

    @property
    def score(self) -> float:
        return sum(t.points for t in self.terms)


def _open_intervention_requests(site_ids: Iterable[int] | None, today: datetime.date) -> dict[int, int]:
    through = InterventionRequest.sites.through
    rows = through.objects.filter(
        interventionrequest__status__in=[RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.SCHEDULED]
    )
    if site_ids is not None:
        rows = rows.filter(site_id__in=list(site_ids))
    counts = rows.values("site_id").annotate(n=Count("interventionrequest", distinct=True))
    return dict(counts.values_list("site_id", "n"))


# Callables (site ids or None for all, today) → {site id: open requests}; summed.
REQUEST_SOURCES: list[Callable[[Iterable[int] | None, datetime.date], dict[int, int]]] = [_open_intervention_requests]


def _last_visits(site_ids, today) -> dict[int, datetime.date]:
    qs = Visit.objects.alive().filter(date__lte=today).exclude(status=VisitStatus.CANCELLED)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    return dict(qs.values("site_id").annotate(last=Max("date")).values_list("site_id", "last"))


def _open_followups(site_ids) -> dict[int, int]:
    qs = Participation.objects.filter(
        followup_needed=True,
        followup_done_on__isnull=True,
        deleted_at__isnull=True,
        activity__deleted_at__isnull=True,
        activity__visit__deleted_at__isnull=True,
    )
    if site_ids is not None:
        qs = qs.filter(activity__visit__site_id__in=site_ids)
    counts = qs.values("activity__visit__site_id").annotate(n=Count("pk"))
    return dict(counts.values_list("activity__visit__site_id", "n"))


def campaign_tool(weights: PriorityWeights) -> Tool | None:
    return weights.tool if weights.tool_id else Tool.objects.filter(code=MAILBOX).first()


def site_scores(
    *, site_ids: Iterable[int] | None = None, today: datetime.date | None = None, weights: PriorityWeights | None = None
) -> dict[int, SiteScore]:
    """Score of every site with active agents (or of `site_ids`), in four grouped queries."""
    today = today or datetime.date.today()
    weights = weights or PriorityWeights.current()
    site_ids = list(site_ids) if site_ids is not None else None
    tool = campaign_tool(weights)

    agents = Agent.objects.filter(site__isnull=False).filter(Q(exit_date__isnull=True) | Q(exit_date__gt=today))
    if site_ids is not None:
        agents = agents.filter(site_id__in=site_ids)
    activated = ToolAccount.objects.filter(agent=OuterRef("pk"), tool=tool, activated_on__lte=today).exclude(
        disabled_on__lte=today
    )
    rows = (
        agents.annotate(has_account=Exists(activated))
        .values("site_id")
        .annotate(
            total=Count("pk"),
            without=Count("pk", filter=Q(has_account=False)),
            c_field=Count("pk", filter=Q(category=Category.C, uses_computer=False)),
        )
        .values_list("site_id", "total", "without", "c_field")
    )
    last = _last_visits(site_ids, today)
    followups = _open_followups(site_ids)
    needing_help = site_help_counts(tool=tool.code, site_ids=site_ids, today=today) if tool else {}
    requests: dict[int, int] = {}
    for source in REQUEST_SOURCES:
        for site_id, n in source(site_ids, today).items():
            requests[site_id] = requests.get(site_id, 0) + n

    cap = weights.days_since_visit_cap
    out = {}
    for site_id, total, without, c_field in rows:
        days = (today - last[site_id]).days if site_id in last else None
        share = c_field / total if total else 0.0
        terms = [
            Term("Agents sans compte activé", without, "agents", weights.per_agent_without_account),
            Term("Part d'agents de catégorie C de terrain", round(share, 3), "part", weights.category_c_field_share),
            Term(
                "Jours depuis la dernière visite" + ("" if days is not None else " (jamais visité)"),
                min(days, cap) if days is not None else cap,
                "jours",
                weights.per_day_since_visit,
            ),
            Term("Demandes de la direction ouvertes", requests.get(site_id, 0), "demandes", weights.per_open_request),
            Term("Suivis à faire", followups.get(site_id, 0), "suivis", weights.per_open_followup),
            Term(
                "Agents à accompagner sur l'outil (compétences numériques)",
                needing_help.get(site_id, 0),
                "agents",
                weights.per_agent_needing_help,
            ),
        ]
        out[site_id] = SiteScore(
            site_id=site_id,
            agents=total,
            without_account=without,
            category_c_field=c_field,
            days_since_visit=days,
            open_requests=requests.get(site_id, 0),
            open_followups=followups.get(site_id, 0),
            terms=terms,
            needing_help=needing_help.get(site_id, 0),
        )
    return out
