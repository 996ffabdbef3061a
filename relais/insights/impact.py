"""Does mediation work? Activation among agents met by mediators against comparable agents not met.

Method (docs/insights.md, and the impact page, explain it in plain words):

- **Met**: agents of the referential on the sheet of a field-work activity (walk-ins matched later
  included), counted once, at their FIRST meeting (day d0). Unmatched walk-ins have no account to
  follow: they are counted apart.
- **Comparable not met**: agents never met, of the same stratum — same direction, category and site
  kind (exact matching). For a met agent first met on d0, the comparison at "d0 + t days" is the rate
  of the not-met agents of its stratum on that same calendar day; the comparison curve is the average
  of those rates weighted by the met agents (each stratum and day counts as many times as it has met
  agents), so both curves describe the same mix of strata and days.
- **Rate** at a point: activated ÷ provisioned accounts among agents in post on the reference day
  (the programme's rate); a met agent enters the point "d0 + t" only when that day is not in the
  future, is in post then and holds an account by then.
- **Intervals (95 %)**: Wilson for the met proportion; for the comparison, a normal interval whose
  variance sums, per stratum, the per-day binomial standard errors as if perfectly correlated (the
  same not-met agents are seen on several days: a cautious upper bound), strata being independent;
  for the difference, met and comparison variances added, the met one stratified.

Counting uses numpy over day intervals: an agent counts as "holding an account" on every day of
[max(entry, account known), exit) and as "activated" on [max(entry, first sign-in), min(exit,
disabled)); the number of intervals covering a day is found by binary search in sorted bounds.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from relais.adoption.models import Tool
from relais.agents.models import Agent
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Participation
from relais.imports.sql import read_frame
from relais.insights.memo import memoised
from relais.insights.population import PopulationFilter
from relais.insights.stats import Z95, normal_interval, share, wilson
from relais.insights.tables import Column, Table

OFFSETS = (0, 7, 30, 90)
NEVER = 10**7  # an ordinal day far in the future: "no such date"
ORIGIN = 0  # an ordinal day in the far past: "since always"
POPULATION_SCHEMA = {
    "id": pl.Int64, "direction_id": pl.Int64, "category": pl.String, "kind": pl.String, "entry": pl.Int64,
    "exit": pl.Int64, "provisioned": pl.Int64, "activated": pl.Int64, "disabled": pl.Int64,
}  # fmt: skip


@dataclass(frozen=True)
class ImpactPoint:
    label: str
    offset: int | None  # days since the first meeting; None = today for everyone
    met_agents: int
    met_activated: int
    met_interval: tuple[float, float] | None
    control_rate: float | None
    control_interval: tuple[float, float] | None
    control_agents: int  # distinct not-met agents of the matched strata holding an account (on the latest day)
    difference: float | None
    difference_interval: tuple[float, float] | None
    unmatched: int  # met agents left out: no comparable agent on their day
    strata: int

    @property
    def met_rate(self) -> float | None:
        return share(self.met_activated, self.met_agents)


@dataclass
class Impact:
    day: datetime.date
    tool: Tool
    met_total: int  # distinct agents of the referential met (walk-ins matched later included)
    walk_ins_unmatched: int
    met_holding: int  # agents met, in post on `day`, holding an account
    met_activated: int  # of whom activated
    city_agents: int
    city_provisioned: int
    city_activated: int
    points: list[ImpactPoint]
    today: ImpactPoint | None
    computed_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def city_rate(self) -> float | None:
        return share(self.city_activated, self.city_provisioned)

    @property
    def met_rate(self) -> float | None:
        return share(self.met_activated, self.met_holding)

    def headline(self) -> str:
        """ "37 % city-wide; 76 % among the agents met" with the counts behind each figure."""
        return headline_sentence(self)


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value * 100):d}\u202f%"


def _int(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def headline_sentence(impact: "Impact") -> str:
    t = impact.today
    text = f"Comptes activés ({impact.tool.name.lower()}) : {_pct(impact.city_rate)} à l'échelle de la ville"
    if not impact.met_holding:
        return text + " ; aucun agent rencontré par les médiateurs n'a encore de compte à suivre."
    text += (
        f" ; {_pct(impact.met_rate)} parmi les agents rencontrés par les médiateurs "
        f"({_int(impact.met_activated)} sur {_int(impact.met_holding)})"
    )
    if t is not None and t.control_rate is not None:
        text += f", contre {_pct(t.control_rate)} parmi des agents comparables non rencontrés"
    return text + "."


def first_meetings(*, user, day: datetime.date) -> dict[int, int]:
    """{agent id: ordinal of the first meeting} for agents met by `day` (cancelled visits left out)."""
    rows = (
        Participation.objects.visible_to(user)
        .filter(agent__isnull=False, activity__visit__date__lte=day)
        .exclude(activity__visit__status=VisitStatus.CANCELLED)
        .values("agent_id")
        .annotate(first=Min("activity__visit__date"))
        .order_by()
    )
    return {r["agent_id"]: r["first"].toordinal() for r in rows}


def _walk_ins_unmatched(*, user, day: datetime.date) -> int:
    return (
        Participation.objects.visible_to(user)
        .filter(agent__isnull=True, activity__visit__date__lte=day)
        .exclude(activity__visit__status=VisitStatus.CANCELLED)
        .count()
    )


def _ordinal_sql(column: str, vendor: str) -> str:
    """SQL turning a date column into Python's date ordinal (NULL stays NULL), so no row is parsed in Python."""
    if vendor == "postgresql":
        return f"({column} - DATE '0001-01-01' + 1)"
    # SQLite: julianday() of a date is N.5 at midnight; the integer part minus 1721424 is the ordinal.
    return f"(CAST(julianday({column}) AS INTEGER) - 1721424)"


class Population:
    """Every agent `user` may see, with the day intervals of "holds an account" and "activated".

    One query, dates converted to ordinals by the database, read into Polars (`COPY` on PostgreSQL) and handed
    to numpy: no Python object per agent. The agents are those of `Agent.objects.visible_to(user)` (its SQL
    embedded, unless it selects every agent).
    """

    def __init__(self, *, user, tool: Tool, population: PopulationFilter | None = None):
        agents = Agent.objects.visible_to(user).filter((population or PopulationFilter()).q())
        vendor = connection.vendor
        columns = ", ".join(
            f"{_ordinal_sql(c, vendor)} AS {name}"
            for c, name in (
                ("a.entry_date", "entry"),
                ("a.exit_date", "exit"),
                ("t.provisioned_on", "provisioned"),
                ("t.activated_on", "activated"),
                ("t.disabled_on", "disabled"),
            )
        )
        # Only constant fragments and Django's own compiled SQL are joined; every value is a parameter.
        sql = (
            f"SELECT a.id, a.direction_id, a.category, s.kind, {columns} "  # noqa: S608
            "FROM agents_agent a LEFT JOIN organisation_site s ON s.id = a.site_id "
            "LEFT JOIN adoption_toolaccount t ON t.agent_id = a.id AND t.tool_id = %s"
        )
        params = [tool.pk]
        if agents.query.has_filters():  # (a semi-join with every agent cost 1.1 s at 2,000,000 agents)
            visible_sql, visible_params = agents.order_by().values("pk").query.sql_with_params()
            sql += f" WHERE a.id IN ({visible_sql})"
            params += visible_params
        with connection.cursor() as cursor:
            frame = read_frame(cursor, sql, params, POPULATION_SCHEMA)
        dims = ["direction_id", "category", "kind"]
        keys = frame.select(dims).unique(maintain_order=True).with_row_index("stratum")
        strata = frame.select(dims).join(keys, on=dims, how="left", nulls_equal=True, maintain_order="left")

        def column(name: str, default: int) -> np.ndarray:
            return frame.get_column(name).fill_null(default).to_numpy()

        entry, exit_ = column("entry", ORIGIN), column("exit", NEVER)
        provisioned, activated, disabled = (
            column("provisioned", NEVER),
            column("activated", NEVER),
            column("disabled", NEVER),
        )
        self.ids = frame.get_column("id").to_numpy()
        self._by_id = np.argsort(self.ids)
        self.strata = strata.get_column("stratum").cast(pl.Int64).to_numpy()
        self.stratum_keys = {row[0]: tuple(row[1:]) for row in keys.iter_rows()}
        self.post_start, self.post_end = entry, exit_
        self.acc_start = np.maximum(entry, np.minimum(provisioned, activated))
        self.acc_end = exit_
        self.act_start = np.maximum(entry, activated)
        self.act_end = np.minimum(exit_, disabled)

    def rows_of(self, agent_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the rows of those of `agent_ids` in the population, a mask of which of `agent_ids` are)."""
        sorted_ids = self.ids[self._by_id]
        at = np.searchsorted(sorted_ids, agent_ids).clip(max=max(len(sorted_ids) - 1, 0))
        found = sorted_ids[at] == agent_ids if len(sorted_ids) else np.zeros(len(agent_ids), dtype=bool)
        return self._by_id[at[found]], found

    def holds(self, rows: np.ndarray, days: np.ndarray) -> np.ndarray:
        return (self.acc_start[rows] <= days) & (days < self.acc_end[rows])

    def activated(self, rows: np.ndarray, days: np.ndarray) -> np.ndarray:
        return (self.act_start[rows] <= days) & (days < self.act_end[rows])


def counts_on(pop: "Population", days: list[datetime.date]) -> list[tuple[int, int, int]]:
    """(agents in post, holding an account, activated) on each day, by binary search in the sorted bounds."""
    ordinals = np.array([d.toordinal() for d in days], dtype=np.int64)
    agents = _covering(pop.post_start, pop.post_end, ordinals)
    holding = _covering(pop.acc_start, pop.acc_end, ordinals)
    activated = _covering(pop.act_start, pop.act_end, ordinals)
    return list(zip(agents.tolist(), holding.tolist(), activated.tolist(), strict=True))


def _covering(starts: np.ndarray, ends: np.ndarray, days: np.ndarray) -> np.ndarray:
    """How many [start, end) intervals contain each day (intervals with start >= end ignored)."""
    valid = starts < ends
    s, e = np.sort(starts[valid]), np.sort(ends[valid])
    return np.searchsorted(s, days, side="right") - np.searchsorted(e, days, side="right")


def _point(label, offset, pop: Population, met_rows, met_days, control_by_stratum, day_o) -> ImpactPoint:
    """One point of the curves: met agents on their reference day against their stratum's not-met that day."""
    ref = met_days + (offset or 0) if offset is not None else np.full(len(met_rows), day_o)
    keep = ref <= day_o
    rows, ref = met_rows[keep], ref[keep]
    eligible = pop.holds(rows, ref)
    rows, ref = rows[eligible], ref[eligible]
    success = pop.activated(rows, ref)
    strata = pop.strata[rows]
    # Cells: (stratum, reference day) with their met counts.
    cells = defaultdict(lambda: [0, 0])
    for s, d, ok in zip(strata.tolist(), ref.tolist(), success.tolist(), strict=True):
        cell = cells[(s, d)]
        cell[0] += 1
        cell[1] += int(ok)
    by_stratum_days = defaultdict(list)
    for s, d in cells:
        by_stratum_days[s].append(d)
    control = {}
    control_agents = 0
    for s, days in by_stratum_days.items():
        members = control_by_stratum.get(s)
        if members is None or not len(members):
            continue
        days_arr = np.array(sorted(days), dtype=np.int64)
        n = _covering(pop.acc_start[members], pop.acc_end[members], days_arr)
        x = _covering(pop.act_start[members], pop.act_end[members], days_arr)
        for d, n_d, x_d in zip(days_arr.tolist(), n.tolist(), x.tolist(), strict=True):
            control[(s, d)] = (n_d, x_d)
        control_agents += int(n.max()) if len(n) else 0
    return _estimate(label, offset, cells, control, control_agents)


def _estimate(label, offset, cells: dict, control: dict, control_agents: int) -> ImpactPoint:
    """The point from its cells {(stratum, day): [met, met activated]} and their comparison {cell: (N, X)}."""
    matched = {c: v for c, v in cells.items() if control.get(c, (0, 0))[0] > 0}
    unmatched = sum(v[0] for c, v in cells.items() if c not in matched)
    n_met = sum(v[0] for v in matched.values())
    x_met = sum(v[1] for v in matched.values())
    if not n_met:
        return ImpactPoint(label, offset, 0, 0, None, None, None, control_agents, None, None, unmatched, 0)
    control_rate = 0.0
    sd_by_stratum = defaultdict(float)
    met_by_stratum = defaultdict(lambda: [0, 0])
    for (s, d), (n_c, x_c) in matched.items():
        big_n, big_x = control[(s, d)]
        weight = n_c / n_met
        control_rate += weight * big_x / big_n
        smoothed = (big_x + 1) / (big_n + 2)  # never a zero-width interval on 0 % or 100 %
        sd_by_stratum[s] += weight * math.sqrt(smoothed * (1 - smoothed) / big_n)
        met_by_stratum[s][0] += n_c
        met_by_stratum[s][1] += x_c
    var_control = sum(sd * sd for sd in sd_by_stratum.values())
    var_met = 0.0
    for n_s, x_s in met_by_stratum.values():
        p_s = (x_s + 1) / (n_s + 2)
        var_met += (n_s / n_met) ** 2 * p_s * (1 - p_s) / n_s
    difference = x_met / n_met - control_rate
    half = Z95 * math.sqrt(var_met + var_control)
    return ImpactPoint(
        label=label,
        offset=offset,
        met_agents=n_met,
        met_activated=x_met,
        met_interval=wilson(x_met, n_met),
        control_rate=control_rate,
        control_interval=normal_interval(control_rate, var_control),
        control_agents=control_agents,
        difference=difference,
        difference_interval=(difference - half, difference + half),
        unmatched=unmatched,
        strata=len(met_by_stratum),
    )


def impact(*, user, tool: Tool, day: datetime.date | None = None, offsets=OFFSETS) -> Impact:
    """The impact figures of `tool` on `day` among the agents `user` may see (memoised until the journal moves)."""
    day = day or timezone.localdate()

    def compute():
        met = first_meetings(user=user, day=day)
        pop = Population(user=user, tool=tool)
        day_o = day.toordinal()
        met_ids = np.fromiter(met.keys(), dtype=np.int64, count=len(met))
        met_rows, found = pop.rows_of(met_ids)
        met_days = np.fromiter(met.values(), dtype=np.int64, count=len(met))[found]
        is_met = np.zeros(len(pop.ids), dtype=bool)
        is_met[met_rows] = True
        control_rows = np.nonzero(~is_met)[0]
        control_by_stratum = {}
        order = np.argsort(pop.strata[control_rows], kind="stable")
        sorted_rows = control_rows[order]
        bounds = np.searchsorted(pop.strata[sorted_rows], np.arange(len(pop.stratum_keys) + 1))
        for s in range(len(pop.stratum_keys)):
            control_by_stratum[s] = sorted_rows[bounds[s] : bounds[s + 1]]
        points = [
            _point(f"J+{t}" if t else "Jour de la rencontre", t, pop, met_rows, met_days, control_by_stratum, day_o)
            for t in offsets
        ]
        today_point = _point("Aujourd'hui", None, pop, met_rows, met_days, control_by_stratum, day_o)
        # City-wide figures today: agents in post, accounts held, activated (same rule as the adoption page).
        everyone = np.arange(len(pop.ids))
        today_days = np.full(len(everyone), day_o)
        in_post = _in_post(pop, user=user, day=day)
        holds = pop.holds(everyone, today_days)
        activated = pop.activated(everyone, today_days)
        return Impact(
            day=day,
            tool=tool,
            met_total=len(met),
            walk_ins_unmatched=_walk_ins_unmatched(user=user, day=day),
            met_holding=int(holds[met_rows].sum()),
            met_activated=int(activated[met_rows].sum()),
            city_agents=in_post,
            city_provisioned=int(holds.sum()),
            city_activated=int(activated.sum()),
            points=points,
            today=today_point,
        )

    return memoised("impact", user=user, params=(tool.pk, day, tuple(offsets)), compute=compute)


def today_impact(*, user, tool: Tool) -> Impact | None:
    """Today's headline figures (no curves) from the persisted summary; None when it cannot serve.

    The same figures as `impact(...)`'s "today" point, without reading every agent: the summary holds the
    counts by stratum of the agents met and of all agents; the not-met are the difference, and `_estimate`
    does the same arithmetic.
    """
    from relais.insights import summary

    day = timezone.localdate()
    if not summary.usable(day):
        return None
    stratum = ["direction_id", "category", "site__kind"]
    met = (
        Participation.objects.visible_to(user)
        .filter(agent__isnull=False, activity__visit__date__lte=day)
        .exclude(activity__visit__status=VisitStatus.CANCELLED)
        .values("agent_id")
    )
    rows = summary.met_by_stratum(user=user, tool=tool)
    day_o = day.toordinal()
    cells = {(key, day_o): [n, x] for key, (n, x) in rows.items() if n}
    totals = {
        tuple(r[k] for k in stratum): r
        for r in summary.cells(user=user, tool=tool, population=PopulationFilter(), fields=stratum)
    }
    control = {}
    for (key, d), (n, x) in cells.items():
        t = totals.get(key, {"provisioned": 0, "activated": 0})
        control[(key, d)] = (t["provisioned"] - n, t["activated"] - x)
    point = _estimate("Aujourd'hui", None, cells, control, sum(n for n, _x in control.values()))
    return Impact(
        day=day,
        tool=tool,
        met_total=met.order_by().distinct().count(),
        walk_ins_unmatched=_walk_ins_unmatched(user=user, day=day),
        met_holding=sum(v[0] for v in cells.values()),
        met_activated=sum(v[1] for v in cells.values()),
        city_agents=sum(r["agents"] for r in totals.values()),
        city_provisioned=sum(r["provisioned"] for r in totals.values()),
        city_activated=sum(r["activated"] for r in totals.values()),
        points=[],
        today=point,
    )


def headline(*, user, tool: Tool, mark: str | None = None) -> str:
    """The home page's sentence: from the summary when it can serve, else from the full estimate (memoised;
    `mark`: the page's `summary.check().mark`, when it read it already)."""

    def compute():
        return (today_impact(user=user, tool=tool) or impact(user=user, tool=tool)).headline()

    return memoised("headline", user=user, params=(tool.pk, timezone.localdate()), compute=compute, mark=mark)


def _in_post(pop: Population, *, user, day: datetime.date) -> int:
    return Agent.objects.visible_to(user).in_post(day).count()


def impact_table(result) -> Table:
    rows = []
    for p in [*result.points, *([result.today] if result.today else [])]:
        rows.append(
            [
                p.label,
                p.met_agents,
                p.met_activated,
                p.met_rate,
                p.met_interval,
                p.control_rate,
                p.control_interval,
                p.difference,
                p.difference_interval,
                p.unmatched,
            ]
        )
    return Table(
        key="impact-curves",
        caption=f"{result.tool.name} : taux d'activation des agents rencontrés et d'agents comparables non rencontrés",
        columns=[
            Column("Moment"),
            Column("Agents rencontrés avec un compte", "int", is_size=True),
            Column("dont activés", "int"),
            Column("Taux des agents rencontrés", "rate"),
            Column("IC 95 % (rencontrés)", "interval"),
            Column("Taux des comparables non rencontrés", "rate"),
            Column("IC 95 % (comparables)", "interval"),
            Column("Écart", "points"),
            Column("IC 95 % (écart)", "interval"),
            Column("Rencontrés sans comparable", "int"),
        ],
        rows=rows,
    )
