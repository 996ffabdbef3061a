"""Reads for the home pages: the mailbox activation overview of what a user may see.

The figures follow `relais.adoption.selectors.activation_by` exactly (same denominator, numerator and
population; a test holds them equal). They are computed here in ONE grouped query instead of one
`activation_by` call per breakdown: at 50,000 agents each call scans the whole referential, and four
of them would blow the 150 ms budget of the home page.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone

from relais.adoption.models import MAILBOX, Tool
from relais.adoption.selectors import ActivationRow
from relais.agents.enums import Category
from relais.agents.models import Agent
from relais.insights.memo import memoised
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction, Service


@dataclass(frozen=True)
class Overview:
    """Activation of one tool on one day, overall and by direction, service, category and site kind."""

    day: datetime.date
    tool: Tool
    total: ActivationRow
    by_direction: list[ActivationRow]
    by_category: list[ActivationRow]
    by_site_kind: list[ActivationRow]
    by_service: list[ActivationRow]
    computed_at: datetime.datetime


def mailbox_tool() -> Tool | None:
    """The professional mailbox, the tool the home pages report on (None if removed from the catalogue)."""
    return Tool.objects.filter(code=MAILBOX).first()


def _rows(groups: dict, labels: dict) -> list[ActivationRow]:
    return [
        ActivationRow(key=key, label=labels.get(key, "Non renseigné"), agents=a, accounts=p, activated=act)
        for key, (a, p, act) in groups.items()
    ]


def activation_overview(*, user, tool: Tool, day: datetime.date | None = None, with_services: bool = False) -> Overview:
    """Activation of `tool` among the agents in post on `day` that `user` may see, with its breakdowns.

    Rules (as `activation_by`): agents in post on `day`; accounts = accounts created or first signed
    into by `day`; activated = first sign-in by `day` and not disabled by then. Rows are ordered by
    direction code, category, and by decreasing headcount for sites and services.
    """
    day = day or timezone.localdate()
    # One account per agent and tool (unique constraint): the filtered LEFT JOIN keeps one row per
    # agent, so plain counts are exact and no COUNT(DISTINCT) is needed.
    account = "tool_account"
    provisioned = Q(**{f"{account}__provisioned_on__lte": day}) | Q(**{f"{account}__activated_on__lte": day})
    activated = Q(**{f"{account}__activated_on__lte": day}) & ~Q(**{f"{account}__disabled_on__lte": day})
    fields = ["direction_id", "category", "site__kind"] + (["service_id"] if with_services else [])
    from relais.insights import summary
    from relais.insights.population import PopulationFilter

    if summary.usable(day):
        # The persisted summary (exact, rebuilt when the journal or the day moves): a few thousand rows.
        cube = summary.cells(user=user, tool=tool, population=PopulationFilter(), fields=fields)
        for row in cube:
            row["accounts"] = row["provisioned"]
    else:
        cube = (
            Agent.objects.visible_to(user)
            .in_post(day)
            .annotate(tool_account=FilteredRelation("tool_accounts", condition=Q(tool_accounts__tool=tool)))
            .values(*fields)
            .annotate(
                agents=Count("pk"),
                accounts=Count(f"{account}__pk", filter=provisioned),
                activated=Count(f"{account}__pk", filter=activated),
            )
            .order_by()
        )
    sums = {name: defaultdict(lambda: [0, 0, 0]) for name in ("all", *fields)}
    for row in cube:
        figures = (row["agents"], row["accounts"], row["activated"])
        for name in ("all", *fields):
            bucket = sums[name][None if name == "all" else row[name]]
            for i, value in enumerate(figures):
                bucket[i] += value

    directions = {d.pk: d for d in Direction.objects.visible_to(user).only("code", "name")}
    by_direction = sorted(
        _rows(sums["direction_id"], {pk: f"{d.code} — {d.name}" for pk, d in directions.items()}),
        key=lambda r: directions[r.key].code if r.key in directions else "",
    )
    category_order = {value: i for i, value in enumerate(Category.values)}
    by_category = sorted(
        _rows(sums["category"], {**dict(Category.choices), "": "Catégorie non renseignée"}),
        key=lambda r: category_order.get(r.key, len(category_order)),
    )
    by_site_kind = sorted(
        _rows(sums["site__kind"], {**dict(SiteKind.choices), None: "Sans site d'affectation"}),
        key=lambda r: (-r.agents, r.label),
    )
    by_service = []
    if with_services:
        services = Service.objects.visible_to(user).select_related("direction").only("name", "direction__code")
        # The direction code only helps someone who follows several directions.
        several = len(directions) > 1
        labels = {s.pk: f"{s.direction.code} · {s.name}" if several else s.name for s in services}
        labels[None] = "Sans service"
        by_service = sorted(_rows(sums["service_id"], labels), key=lambda r: (-r.agents, r.label))

    total_figures = sums["all"].get(None, [0, 0, 0])
    total = ActivationRow(
        key=None, label="Ensemble", agents=total_figures[0], accounts=total_figures[1], activated=total_figures[2]
    )
    return Overview(
        day=day,
        tool=tool,
        total=total,
        by_direction=by_direction,
        by_category=by_category,
        by_site_kind=by_site_kind,
        by_service=by_service,
        computed_at=timezone.now(),
    )


def home_overview(*, user, tool: Tool, with_services: bool = False, mark: str | None = None) -> Overview:
    """Today's `activation_overview`, memoised until the data changes or RELAIS_OVERVIEW_CACHE_SECONDS pass
    (`relais.insights.memo`: keyed on the data's mark — `mark` when the page read it — and the user's scope).

    At 50,000 agents the overview is one ~70 ms scan on SQLite, for figures that move when an import
    or a mediator records something.
    """
    day = timezone.localdate()
    return memoised(
        "overview",
        user=user,
        params=(tool.pk, day, with_services),
        compute=lambda: activation_overview(user=user, tool=tool, day=day, with_services=with_services),
        mark=mark,
    )
