"""Skill profiles: how many people of a direction or a site are "à accompagner", "avec guidage" or "autonome"
with each tool, from every source of evidence at once.

A source is a callable returning `Evidence` rows (one person, one tool, one band, one day). Two kinds exist:
- Pix results (`pix_evidence`, here): the latest shared participation of each matched agent that measured
  the competences a tool calls on (`ToolCompetence`, data), its band the weakest of those competences;
- the adaptive diagnostic (`relais.diagnostic`, later): it adds its own source with `register_source`;
  its anonymous results carry no agent, only a site and a direction, and count as one person each.
For a person known by several sources, the latest evidence on a tool wins.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.db.models import Q

from relais.accounts.scopes import direction_scope
from relais.skills.enums import Band
from relais.skills.models import PixCompetenceResult, PixParticipation, ToolCompetence


@dataclass(frozen=True)
class Evidence:
    person: str  # "agent:<id>" for an agent; any key unique to one anonymous result otherwise
    direction_id: int | None
    site_id: int | None
    tool: str  # adoption.Tool code
    band: str  # Band
    on: datetime.date
    source: str  # "pix", "diagnostic"…


Source = Callable[[datetime.date], Iterable[Evidence]]


def pix_evidence(today: datetime.date) -> list[Evidence]:
    """One row per agent in post and tool, from the agent's latest shared Pix participation measuring that tool.

    Set-based (Polars): a city campaign's 160,000 competence results are banded and reduced in one pass.
    """
    links = pl.DataFrame(
        list(
            ToolCompetence.objects.values_list(
                "competence_id", "tool__code", "guided_level", "autonomous_level", "guided_mastery",
                "autonomous_mastery",
            )
        ),
        schema={"competence_id": pl.Int64, "tool": pl.String, "guided_level": pl.Int64, "autonomous_level": pl.Int64,
                "guided_mastery": pl.Float64, "autonomous_mastery": pl.Float64},
        orient="row",
    )  # fmt: skip
    if links.height == 0:
        return []
    shared = PixParticipation.objects.filter(is_shared=True, agent__isnull=False).filter(
        Q(agent__exit_date__isnull=True) | Q(agent__exit_date__gt=today)
    )
    participations = pl.DataFrame(
        list(shared.values_list("id", "shared_at", "agent_id", "agent__direction_id", "agent__site_id")),
        schema={"participation_id": pl.Int64, "shared_at": pl.Datetime("us", "UTC"), "agent_id": pl.Int64,
                "direction_id": pl.Int64, "site_id": pl.Int64},
        orient="row",
    )  # fmt: skip
    if participations.height == 0:
        return []
    query = PixCompetenceResult.objects.filter(
        participation__in=shared, competence_id__in=links["competence_id"].to_list()
    ).values_list("participation_id", "competence_id", "level", "mastery")
    with connection.cursor() as cursor:  # plain rows of numbers: no model instance, no converter per value
        cursor.execute(*query.query.sql_with_params())
        results = pl.DataFrame(
            cursor.fetchall(),
            schema={"participation_id": pl.Int64, "competence_id": pl.Int64, "level": pl.Int64, "mastery": pl.Float64},
            orient="row",
        )

    def rank(value: str, guided: str, autonomous: str) -> pl.Expr:
        return pl.when(pl.col(value) >= pl.col(autonomous)).then(2).when(pl.col(value) >= pl.col(guided)).then(1)

    banded = (
        results.join(links, on="competence_id")
        .with_columns(
            pl.when(pl.col("level").is_not_null())
            .then(rank("level", "guided_level", "autonomous_level").otherwise(0))
            .when(pl.col("mastery").is_not_null())
            .then(rank("mastery", "guided_mastery", "autonomous_mastery").otherwise(0))
            .alias("rank")
        )
        .filter(pl.col("rank").is_not_null())
        .group_by("participation_id", "tool")
        .agg(pl.col("rank").min())  # the weakest of the tool's competences
        .join(participations, on="participation_id")
        .sort("shared_at", "participation_id", nulls_last=False)
        .group_by("agent_id", "tool")
        .last()  # the latest sending that measured the tool
    )
    bands = {0: Band.HELP, 1: Band.GUIDED, 2: Band.AUTONOMOUS}
    epoch = datetime.date(1, 1, 1)
    return [
        Evidence(
            f"agent:{r['agent_id']}", r["direction_id"], r["site_id"], r["tool"], bands[r["rank"]],
            r["shared_at"].date() if r["shared_at"] else epoch, "pix",
        )
        for r in banded.iter_rows(named=True)
    ]  # fmt: skip


EVIDENCE_SOURCES: list[Source] = [pix_evidence]


def register_source(source: Source) -> None:
    """Add a source of evidence (the diagnostic's results) to every profile; idempotent."""
    if source not in EVIDENCE_SOURCES:
        EVIDENCE_SOURCES.append(source)


def evidence(*, sources: Sequence[Source] | None = None, today: datetime.date | None = None) -> list[Evidence]:
    """Evidence of every source, one row per person and tool: the latest wins."""
    today = today or datetime.date.today()
    chosen: dict[tuple[str, str], Evidence] = {}
    for source in EVIDENCE_SOURCES if sources is None else sources:
        for row in source(today):
            key = (row.person, row.tool)
            if key not in chosen or row.on > chosen[key].on:
                chosen[key] = row
    return list(chosen.values())


@dataclass
class ProfileRow:
    group_id: int
    tool: str
    people: int = 0
    help: int = 0
    guided: int = 0
    autonomous: int = 0

    def add(self, band: str) -> None:
        self.people += 1
        if band == Band.HELP:
            self.help += 1
        elif band == Band.GUIDED:
            self.guided += 1
        else:
            self.autonomous += 1

    def share(self, count: int) -> float | None:
        return count / self.people if self.people else None


def skill_profiles(
    *,
    user,
    by: str = "direction",
    sources: Sequence[Source] | None = None,
    today: datetime.date | None = None,
    rows_of: list[Evidence] | None = None,
) -> list[ProfileRow]:
    """Bands by tool for each direction (`by="direction"`) or site (`by="site"`) the user may see.

    Visibility follows the person's direction (`direction_scope`): an HR correspondent counts only the people of
    their directions, wherever the site. Small groups are hidden by the page that shows the figures. `rows_of`:
    evidence already gathered (a page showing both groupings gathers it once).
    """
    scope = direction_scope(user)
    rows: dict[tuple[int, str], ProfileRow] = {}
    for item in evidence(sources=sources, today=today) if rows_of is None else rows_of:
        group = item.direction_id if by == "direction" else item.site_id
        if group is None or not scope.allows(item.direction_id):
            continue
        rows.setdefault((group, item.tool), ProfileRow(group, item.tool)).add(item.band)
    return sorted(rows.values(), key=lambda r: (r.group_id, r.tool))


def site_help_counts(
    *, tool: str, site_ids: Iterable[int] | None = None, sources: Sequence[Source] | None = None, today=None
) -> dict[int, int]:
    """People "à accompagner" with `tool`, per site: the planning's priority term (the team sees every site)."""
    wanted = set(site_ids) if site_ids is not None else None
    counts: dict[int, int] = defaultdict(int)
    for item in evidence(sources=sources, today=today):
        located = item.site_id is not None and (wanted is None or item.site_id in wanted)
        if item.tool == tool and item.band == Band.HELP and located:
            counts[item.site_id] += 1
    return dict(counts)
