"""The adoption dashboard: funnel per tool, rates by every grouping, trend over past days, sites on a map.

All figures come from one fine-grained grouped query (the "cube": one row per direction, service,
site, site kind, category, filière and statut, with counts) rolled up in Python, plus one query for
the funnel of every tool and one for the trend. Each is exact for the day asked; see docs/insights.md.
"""

import datetime
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q
from django.utils import timezone

from relais.adoption.enums import RECENT_USE_DAYS
from relais.adoption.models import Observation, Tool, ToolAccount
from relais.agents.enums import Category, Filiere, Statut
from relais.agents.models import Agent
from relais.insights import summary
from relais.insights.memo import memoised
from relais.insights.population import (
    PopulationFilter,
    activated_q,
    in_post_q,
    provisioned_q,
    recent_facts_q,
)
from relais.insights.stats import share
from relais.insights.tables import Column, Table
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction, Service, Site

DIMENSIONS = ("direction_id", "service_id", "site_id", "site__kind", "category", "filiere", "statut")
BREAKDOWNS = [
    # (key, dimension, title, column label)
    ("direction", "direction_id", "Par direction", "Direction"),
    ("site_kind", "site__kind", "Par type de site", "Type de site"),
    ("category", "category", "Par catégorie", "Catégorie"),
    ("filiere", "filiere", "Par filière", "Filière"),
    ("statut", "statut", "Par statut", "Statut"),
    ("service", "service_id", "Par service", "Service"),
    ("site", "site_id", "Par site", "Site"),
]
ACCOUNT = "account"


@dataclass(frozen=True)
class Figures:
    """Counts of one group of agents in post: the adoption ladder as nested sets."""

    key: object
    label: str
    agents: int = 0
    provisioned: int = 0
    activated: int = 0
    recent: int = 0

    @property
    def rate(self) -> float | None:
        """Activated among provisioned accounts: the programme's activation rate."""
        return share(self.activated, self.provisioned)

    @property
    def coverage(self) -> float | None:
        return share(self.provisioned, self.agents)

    @property
    def recent_rate(self) -> float | None:
        return share(self.recent, self.provisioned)

    @property
    def to_activate(self) -> int:
        return self.provisioned - self.activated


@dataclass(frozen=True)
class FunnelStage:
    label: str
    count: int
    of_agents: float | None


@dataclass(frozen=True)
class TrendPoint:
    day: datetime.date
    agents: int
    provisioned: int
    activated: int

    @property
    def rate(self) -> float | None:
        return share(self.activated, self.provisioned)


@dataclass(frozen=True)
class SitePoint:
    site_id: int
    name: str
    kind: str
    latitude: float
    longitude: float
    figures: Figures


@dataclass
class AdoptionDashboard:
    day: datetime.date
    tool: Tool
    population: PopulationFilter
    total: Figures
    funnels: list[tuple[Tool, list[FunnelStage]]]
    breakdowns: dict[str, list[Figures]]
    trend: list[TrendPoint]
    sites: list[SitePoint]
    sites_count: int = 0  # sites in the site breakdown (all of them, even when only some are kept)
    located_sites: int = 0  # of which with coordinates
    computed_at: datetime.datetime = field(default_factory=timezone.now)

    def funnel_of(self, tool: Tool) -> list[FunnelStage]:
        return next((stages for t, stages in self.funnels if t.pk == tool.pk), [])


def _agents(user, population: PopulationFilter):
    return Agent.objects.visible_to(user).filter(population.q()).order_by()


def cube(*, user, tool: Tool, day: datetime.date, population: PopulationFilter) -> list[dict]:
    """One row per combination of DIMENSIONS among the agents in post on `day`, with the ladder's counts."""
    if summary.usable(day):
        return summary.cells(user=user, tool=tool, population=population, fields=list(DIMENSIONS))
    # One account per agent and tool (unique constraint): the filtered LEFT JOIN keeps one row per agent.
    agents = (
        _agents(user, population)
        .filter(in_post_q(day))
        .annotate(**{ACCOUNT: FilteredRelation("tool_accounts", condition=Q(tool_accounts__tool=tool))})
    )
    rows = list(
        agents.values(*DIMENSIONS).annotate(
            agents=Count("pk"),
            provisioned=Count(f"{ACCOUNT}__pk", filter=provisioned_q(day, ACCOUNT)),
            activated=Count(f"{ACCOUNT}__pk", filter=activated_q(day, ACCOUNT)),
            recent=Count(f"{ACCOUNT}__pk", filter=recent_facts_q(day, ACCOUNT)),
        )
    )
    if day < timezone.localdate():
        # For a past day, an account whose latest activity is after `day` may still have been used in the
        # 30 days before it: the observation history says so (status_on's rule, in SQL).
        window = Observation.objects.filter(
            account=OuterRef("pk"),
            last_activity_on__gte=day - datetime.timedelta(days=RECENT_USE_DAYS),
            last_activity_on__lte=day,
        )
        later = (
            ToolAccount.objects.filter(tool=tool, last_activity_on__gt=day, agent__in=agents.values("pk"))
            .filter(activated_on__lte=day)
            .exclude(disabled_on__lte=day)
            .filter(Exists(window))
            .values(*[f"agent__{d}" for d in DIMENSIONS])
            .annotate(n=Count("pk"))
            .order_by()
        )
        extra = {tuple(r[f"agent__{d}"] for d in DIMENSIONS): r["n"] for r in later}
        if extra:
            for row in rows:
                row["recent"] += extra.get(tuple(row[d] for d in DIMENSIONS), 0)
    return rows


def funnels(
    *, user, day: datetime.date, population: PopulationFilter, use_summary: bool | None = None
) -> list[tuple[Tool, list[FunnelStage]]]:
    """For each tracked tool: agents in post, with an account, activated, used in the last 30 days (on `day`)."""
    tools = list(Tool.objects.filter(is_active=True))
    counts = {}
    use_summary = summary.usable(day) if use_summary is None else use_summary
    if use_summary:
        total, by_tool = summary.funnel_counts(user=user, population=population)
        for pk, (p, act, r) in by_tool.items():
            counts |= {f"p{pk}": p, f"a{pk}": act, f"r{pk}": r}
    else:
        total = _agents(user, population).filter(in_post_q(day)).count()
    a = "tool_accounts"
    if tools and not use_summary:
        agents = _agents(user, population).filter(in_post_q(day))
        aggregates = {}
        for tool in tools:
            on = Q(**{f"{a}__tool": tool})
            aggregates[f"p{tool.pk}"] = Count(f"{a}__pk", filter=on & provisioned_q(day, a))
            aggregates[f"a{tool.pk}"] = Count(f"{a}__pk", filter=on & activated_q(day, a))
            aggregates[f"r{tool.pk}"] = Count(f"{a}__pk", filter=on & recent_facts_q(day, a))
        counts = agents.filter(**{f"{a}__tool__in": tools}).aggregate(**aggregates)
    out = []
    for tool in tools:
        p, act, r = counts.get(f"p{tool.pk}", 0), counts.get(f"a{tool.pk}", 0), counts.get(f"r{tool.pk}", 0)
        out.append(
            (
                tool,
                [
                    FunnelStage("Agents en poste", total, share(total, total)),
                    FunnelStage("Compte créé", p, share(p, total)),
                    FunnelStage("Compte activé", act, share(act, total)),
                    FunnelStage(f"Utilisé ces {RECENT_USE_DAYS} derniers jours", r, share(r, total)),
                ],
            )
        )
    return out


def trend_days(day: datetime.date, months: int = 12) -> list[datetime.date]:
    """The first day of each of the last `months` months, then `day` itself."""
    first = day.replace(day=1)
    days = []
    for back in range(months, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back + 1, 12)
        days.append(datetime.date(year, month + 1, 1))
    if day not in days:
        days.append(day)
    return days


def trend(
    *, user, tool: Tool, days: list[datetime.date], population: PopulationFilter, use_summary: bool | None = None
) -> list[TrendPoint]:
    """The activation rate on each of `days`, each with its own agents in post.

    The agents' dates are read once as day numbers (`relais.insights.impact.Population`); each day's
    counts are then binary searches in sorted interval bounds — the same rules as `activation_by`.
    """
    from relais.insights.impact import Population, counts_on

    if use_summary is None:
        use_summary = bool(days) and summary.usable(days[-1])
    if use_summary and days == trend_days(days[-1]):
        counts = summary.trend_counts(user=user, tool=tool, population=population, days=days)
        return [TrendPoint(d, *figures) for d, figures in zip(days, counts, strict=True)]
    pop = Population(user=user, tool=tool, population=population)
    return [TrendPoint(d, *figures) for d, figures in zip(days, counts_on(pop, days), strict=True)]


def _labels(user, sums: dict[str, dict]) -> dict[str, dict]:
    directions = {d.pk: d for d in Direction.objects.only("code", "name")}
    several = len(sums["direction_id"]) > 1
    service_ids = {k for k in sums["service_id"] if k}
    services = {}
    for s in Service.objects.filter(pk__in=service_ids).select_related("direction").only("name", "direction__code"):
        services[s.pk] = f"{s.direction.code} · {s.name}" if several else s.name
    site_ids = sorted(k for k in sums["site_id"] if k)
    fields = ("pk", "name", "kind", "latitude", "longitude")
    if len(site_ids) > 300:
        # Many sites: one read of them all beats a long list of ids (Django prepares each one).
        wanted = set(site_ids)
        rows = (r for r in Site.objects.values_list(*fields).order_by() if r[0] in wanted)
    else:
        rows = Site.objects.filter(pk__in=site_ids).values_list(*fields).order_by()
    sites = {r[0]: r for r in rows}
    return {
        "direction_id": {pk: f"{d.code} — {d.name}" for pk, d in directions.items()},
        "direction_code": {pk: d.code for pk, d in directions.items()},
        "service_id": {**services, None: "Sans service"},
        "site_id": {**{pk: s[1] for pk, s in sites.items()}, None: "Sans site d'affectation"},
        "site__kind": {**dict(SiteKind.choices), None: "Sans site d'affectation"},
        "category": {**dict(Category.choices), "": "Catégorie non renseignée"},
        "filiere": {**dict(Filiere.choices), "": "Filière non renseignée"},
        "statut": {**dict(Statut.choices), "": "Statut non renseigné"},
        "_sites": sites,
    }


def _order(dimension: str, labels: dict):
    codes = labels["direction_code"]
    fixed = {
        "category": [*Category.values, ""],
        "filiere": [*Filiere.values, ""],
        "statut": [*Statut.values, ""],
    }
    if dimension == "direction_id":
        return lambda f: (codes.get(f.key, "~"),)
    if dimension in fixed:
        order = {v: i for i, v in enumerate(fixed[dimension])}
        return lambda f: (order.get(f.key, 99),)
    return lambda f: (-f.agents, f.label)


def sum_rows(rows: list[dict]) -> dict[str, dict]:
    """{dimension: {key: [agents, provisioned, activated, recent]}} summed from the cube's rows."""
    sums = {dim: defaultdict(lambda: [0, 0, 0, 0]) for dim in DIMENSIONS}
    for row in rows:
        values = (row["agents"], row["provisioned"], row["activated"], row["recent"])
        for dim in DIMENSIONS:
            bucket = sums[dim][row[dim]]
            for i, v in enumerate(values):
                bucket[i] += v
    return sums


def roll_up(sums: dict[str, dict], labels: dict) -> tuple[Figures, dict[str, list[Figures]]]:
    """The total and one list of figures per breakdown: the same counts summed seven ways."""
    total = [sum(v[i] for v in sums["direction_id"].values()) for i in range(4)]
    breakdowns = {}
    for key, dim, _title, _label in BREAKDOWNS:
        names = labels[dim]
        figures = [Figures(k, names.get(k, "Non renseigné"), *v) for k, v in sums[dim].items()]
        breakdowns[key] = sorted(figures, key=_order(dim, labels))
    return Figures(None, "Ensemble", *total), breakdowns


def _kept_sites(sums: dict, labels: dict, keep: tuple[int, int]) -> set:
    """The sites a page shows: the `keep[0]` largest with coordinates (the map), the `keep[1]` with the most
    accounts to activate (the table), in the breakdown's own orders (ties by name)."""
    names, sites = labels["site_id"], labels["_sites"]
    located = [
        (-v[0], s[1], k)
        for k, v in sums.items()
        if (s := sites.get(k)) is not None and s[3] is not None and s[4] is not None
    ]
    largest = [k for _a, _n, k in heapq.nsmallest(keep[0], located)]
    keyed = [(-(v[1] - v[2]), names.get(k, "Non renseigné"), k) for k, v in sums.items()]
    waiting = [k for _w, _n, k in heapq.nsmallest(keep[1], keyed, key=lambda t: (t[0], t[1]))]
    return set(largest) | set(waiting)


def adoption_dashboard(
    *,
    user,
    tool: Tool,
    day: datetime.date | None = None,
    population: PopulationFilter | None = None,
    keep_sites: tuple[int, int] | None = None,
) -> AdoptionDashboard:
    """Everything the adoption page shows for `tool` on `day`, among the agents `user` may see, memoised.

    `keep_sites=(n, m)`: the site breakdown keeps only the n largest sites with coordinates and the m with the
    most accounts to activate (what a page draws; 80,000 sites at 2,000,000 agents); None keeps them all.
    """
    day = day or timezone.localdate()
    population = population or PopulationFilter()

    def compute():
        use_summary = summary.usable(day)
        if use_summary:
            # Today, from the persisted summary: one small grouped query per breakdown.
            sums = summary.sums_by(user=user, tool=tool, population=population, dimensions=DIMENSIONS)
        else:
            sums = sum_rows(cube(user=user, tool=tool, day=day, population=population))
        labels = _labels(user, sums)
        by_site = sums["site_id"]
        located = sum(1 for k in by_site if (s := labels["_sites"].get(k)) is not None and None not in (s[3], s[4]))
        if keep_sites is not None:
            kept = _kept_sites(by_site, labels, keep_sites)
            sums = sums | {"site_id": {k: v for k, v in by_site.items() if k in kept}}
        total, breakdowns = roll_up(sums, labels)
        sites = [
            SitePoint(f.key, s[1], s[2], s[3], s[4], f)
            for f in breakdowns["site"]
            if (s := labels["_sites"].get(f.key)) is not None and s[3] is not None and s[4] is not None
        ]
        return AdoptionDashboard(
            day=day,
            tool=tool,
            population=population,
            total=total,
            funnels=funnels(user=user, day=day, population=population, use_summary=use_summary),
            breakdowns=breakdowns,
            trend=trend(user=user, tool=tool, days=trend_days(day), population=population, use_summary=use_summary),
            sites=sites,
            sites_count=len(by_site),
            located_sites=located,
        )

    return memoised("adoption", user=user, params=(tool.pk, day, population, keep_sites), compute=compute)


# --- Tables -------------------------------------------------------------------------------------------------


def breakdown_table(key: str, rows: list[Figures], *, tool: Tool, day: datetime.date) -> Table:
    _k, _dim, title, label = next(b for b in BREAKDOWNS if b[0] == key)
    return Table(
        key=f"adoption-{key}",
        caption=f"{tool.name} : adoption {title.lower()} au {day:%d/%m/%Y}",
        columns=[
            Column(label),
            Column("Agents en poste", "int", is_size=True),
            Column("Comptes créés", "int"),
            Column("Comptes activés", "int"),
            Column("Taux d'activation", "rate"),
            Column("Utilisés 30 j", "int"),
            Column("Comptes à activer", "int"),
        ],
        rows=[[f.label, f.agents, f.provisioned, f.activated, f.rate, f.recent, f.to_activate] for f in rows],
        partition=True,
    )


def funnel_table(dashboard: AdoptionDashboard) -> Table:
    rows = []
    for tool, stages in dashboard.funnels:
        rows.append([tool.name, *[s.count for s in stages]])
    return Table(
        key="adoption-funnel",
        caption=f"Entonnoir d'adoption par outil au {dashboard.day:%d/%m/%Y}",
        columns=[
            Column("Outil"),
            Column("Agents en poste", "int", is_size=True),
            Column("Compte créé", "int"),
            Column("Compte activé", "int"),
            Column(f"Utilisé ces {RECENT_USE_DAYS} jours", "int"),
        ],
        rows=rows,
    )


def trend_table(dashboard: AdoptionDashboard) -> Table:
    return Table(
        key="adoption-trend",
        caption=f"{dashboard.tool.name} : taux d'activation jour par jour",
        columns=[
            Column("Jour", "date"),
            Column("Agents en poste", "int", is_size=True),
            Column("Comptes créés", "int"),
            Column("Comptes activés", "int"),
            Column("Taux d'activation", "rate"),
        ],
        rows=[[p.day, p.agents, p.provisioned, p.activated, p.rate] for p in dashboard.trend],
    )


def adoption_tables(dashboard: AdoptionDashboard) -> dict[str, Table]:
    tables = {
        "adoption-funnel": funnel_table(dashboard),
        "adoption-trend": trend_table(dashboard),
    }
    for key, *_ in BREAKDOWNS:
        table = breakdown_table(key, dashboard.breakdowns[key], tool=dashboard.tool, day=dashboard.day)
        tables[table.key] = table
    return tables
