"""The adoption dashboard page: funnel, trend, rates by group, the map of sites."""

from dataclasses import replace

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from relais.adoption.enums import RECENT_USE_DAYS
from relais.insights import charts, summary
from relais.insights.adoption import adoption_dashboard, adoption_tables
from relais.insights.forms import DashboardFilterForm
from relais.insights.memo import memoised
from relais.insights.permissions import can_view_dashboards, sees_full_detail
from relais.insights.tables import Hidden, Table
from relais.insights.views.common import Figure, nav, pct, rate_bars, require, shared

TOP_SITES = 20
# Beyond this many sites a map is unreadable and heavy (80,000 sites at 2,000,000 agents): the largest are drawn.
MAP_SITES = 3000
BAR_BREAKDOWNS = [
    ("direction", "Par direction"),
    ("site_kind", "Par type de site"),
    ("category", "Par catégorie"),
    ("filiere", "Par filière"),
    ("statut", "Par statut"),
]


def _extremes(table: Table) -> str:
    pairs = [
        (row[0], rate)
        for row, rate in zip(table.rows, table.column("Taux d'activation"), strict=True)
        if rate is not None and not isinstance(rate, Hidden)
    ]
    if len(pairs) < 2:
        return ""
    low = min(pairs, key=lambda p: p[1])
    high = max(pairs, key=lambda p: p[1])
    return f"Taux le plus bas : {low[0]} ({pct(low[1])}) ; le plus haut : {high[0]} ({pct(high[1])})."


def adoption_page(request, *, all_sites: bool = False) -> dict:
    """Context of the adoption page (also used by its exports): figures, charts and tables.

    The page draws the MAP_SITES largest sites and lists the TOP_SITES with the most accounts to activate:
    only those are built; the exports (`all_sites`) get every site.
    """
    user = request.user
    form = DashboardFilterForm(request.GET or None, user=user)
    tool, day, population = form.values()
    context = {"form": form, "tool": tool, "day": day, "figures": [], "tables": {}, "nav": nav(user)}
    if tool is None:
        return context
    full = sees_full_detail(user)
    reading = summary.check()  # once for the page: the memo's key and the "figures taken at" note
    # The figures (charts drawn, tables built) are memoised with the data they come from.
    built = memoised(
        "adoption-page",
        user=user,
        params=(tool.pk, day, population, full, all_sites),
        compute=lambda: _build(user, tool, day, population, full, all_sites),
        mark=reading.mark,
    )
    behind = reading.behind if day == timezone.localdate() else None
    return context | built | {"query": request.GET.urlencode(), "behind": behind}


def _build(user, tool, day, population, full, all_sites=True) -> dict:
    keep = None if all_sites else (MAP_SITES, TOP_SITES)
    dashboard = adoption_dashboard(user=user, tool=tool, day=day, population=population, keep_sites=keep)
    tables = adoption_tables(dashboard)
    sites_table = tables.pop("adoption-site")
    shown = shared(user, tables)
    threshold = settings.RELAIS_SMALL_GROUP_THRESHOLD
    total = dashboard.total
    figures = []

    stages = dashboard.funnel_of(tool)
    if stages:
        funnel = [(s.label, s.count, s.of_agents) for s in stages]
        figures.append(
            Figure(
                id="entonnoir",
                title=f"Entonnoir : {tool.name}",
                summary=(
                    f"Sur {stages[0].count} agents en poste, {stages[1].count} ont un compte, {stages[2].count} "
                    f"l'ont activé et {stages[3].count} l'ont utilisé ces {RECENT_USE_DAYS} derniers jours."
                ),
                svg=charts.funnel_chart(funnel, chart_id="entonnoir-chart", labelled_by="entonnoir-chart-summary"),
                table=shown["adoption-funnel"],
            )
        )
    points = dashboard.trend
    trend_table = shown["adoption-trend"]
    rates = trend_table.column("Taux d'activation")
    series = [
        {
            "name": "Taux d'activation",
            "points": [(i, r, None, None) if not isinstance(r, Hidden) else None for i, r in enumerate(rates)],
        }
    ]
    first, last = points[0], points[-1]
    figures.append(
        Figure(
            id="evolution",
            title="Évolution du taux d'activation",
            summary=(
                f"Le taux d'activation est passé de {pct(rates[0])} au {first.day:%d/%m/%Y} "
                f"à {pct(rates[-1])} au {last.day:%d/%m/%Y}."
            ),
            svg=charts.line_chart(
                series,
                [f"{p.day:%m/%y}" if p.day.day == 1 else f"{p.day:%d/%m}" for p in points],
                chart_id="evolution-chart",
                labelled_by="evolution-chart-summary",
            ),
            table=trend_table,
        )
    )
    for key, title in BAR_BREAKDOWNS:
        table = shown[f"adoption-{key}"]
        if len(table.rows) < 1:
            continue
        figures.append(
            Figure(
                id=key,
                title=title,
                summary=_extremes(table) or f"{len(table.rows)} groupe(s).",
                svg=rate_bars(table, chart_id=f"{key}-chart"),
                table=table,
            )
        )
    # Sites: the map, and the sites with the most accounts left to activate (where to go first).
    # Whatever the sites' table hides (small sites, and their complement), the map and the top table hide too.
    site_rows = dashboard.breakdowns["site"]
    site_shown = shared(user, {"s": sites_table})["s"]
    shown_row = {f.key: row for f, row in zip(site_rows, site_shown.rows, strict=True)}
    map_points = [
        {
            "name": p.name,
            "lat": p.latitude,
            "lon": p.longitude,
            "rate": None if isinstance(shown_row[p.site_id][1], Hidden) else p.figures.rate,
            "agents": p.figures.agents,
        }
        for p in sorted(dashboard.sites, key=lambda p: -p.figures.agents)[:MAP_SITES]
    ]
    left_out = max(0, dashboard.located_sites - MAP_SITES)
    best = sorted(site_rows, key=lambda f: (-f.to_activate, f.label))[:TOP_SITES]
    top_rows = [shown_row[f.key] for f in best]
    top = replace(
        site_shown,
        key="adoption-site-top",
        caption=f"Les {TOP_SITES} sites où le plus de comptes attendent d'être activés",
        rows=top_rows,
        hidden_rows=sum(isinstance(row[1], Hidden) for row in top_rows),
        partition=False,
    )
    names = ", ".join(f"{f.label} ({f.to_activate})" for f in best[:3] if f.to_activate)
    figures.append(
        Figure(
            id="carte",
            title="Carte des sites",
            summary=(
                f"{len(map_points)} sites placés selon leurs coordonnées, forme et couleur selon le taux d'activation"
                + (f" (les plus grands ; {left_out} petits sites sont dans l'export)." if left_out else ".")
                + (f" Sites avec le plus de comptes à activer : {names}." if names else "")
            ),
            svg=charts.site_map(map_points, chart_id="carte-chart", labelled_by="carte-chart-summary"),
            table=top,
        )
    )
    tables = {**shown, "adoption-site": site_shown, "adoption-site-top": top}
    if len(dashboard.breakdowns["service"]) <= 80:
        figures.append(
            Figure(
                id="service",
                title="Par service",
                summary=_extremes(shown["adoption-service"]),
                table=shown["adoption-service"],
            )
        )
    return {
        "total": total,
        "sites_count": dashboard.sites_count,
        "figures": figures,
        "tables": tables,
        "full_detail": full,
        "threshold": threshold,
    }


def adoption(request):
    require(can_view_dashboards(request.user))
    return render(request, "insights/adoption.html", adoption_page(request))
