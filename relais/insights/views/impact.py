"""The impact page: does mediation work? Curves of the met against comparable agents, the headline, the method."""

from django.shortcuts import render

from relais.adoption.models import MAILBOX, Tool
from relais.insights import charts
from relais.insights.impact import OFFSETS, impact, impact_table
from relais.insights.permissions import can_view_dashboards, sees_full_detail
from relais.insights.tables import Hidden
from relais.insights.views.common import Figure, nav, pct, require, shared


def _tool(request) -> Tool | None:
    tools = Tool.objects.filter(is_active=True)
    return tools.filter(code=request.GET.get("outil") or MAILBOX).first() or tools.first()


def impact_page(request) -> dict:
    user = request.user
    tool = _tool(request)
    context = {"tool": tool, "tools": Tool.objects.filter(is_active=True), "nav": nav(user), "figures": []}
    if tool is None:
        return context | {"tables": {}}
    result = impact(user=user, tool=tool)
    table = shared(user, {"t": impact_table(result)})["t"]
    curve_rows = table.rows[: len(OFFSETS)]

    def series_points(rate_i, interval_i):
        points = []
        for i, row in enumerate(curve_rows):
            rate, interval = row[rate_i], row[interval_i]
            if rate is None or isinstance(rate, Hidden):
                points.append(None)
            else:
                low, high = interval if interval and not isinstance(interval, Hidden) else (None, None)
                points.append((i, rate, low, high))
        return points

    series = [
        {"name": "Agents rencontrés", "points": series_points(3, 4)},
        {"name": "Comparables non rencontrés", "points": series_points(5, 6)},
    ]
    last = next((p for p in reversed(result.points) if p.met_agents and p.control_rate is not None), None)
    if last is not None:
        summary = (
            f"{last.label} après leur première rencontre, {pct(last.met_rate)} des agents rencontrés ont activé leur "
            f"compte, contre {pct(last.control_rate)} des agents comparables non rencontrés le même jour "
            f"(écart {round(last.difference * 100):+d} points)."
        )
    else:
        summary = "Pas encore assez d'agents rencontrés pour comparer."
    figure = Figure(
        id="courbes",
        title="Activation selon le temps écoulé depuis la rencontre",
        summary=summary,
        svg=charts.line_chart(
            series,
            ["Jour J", *[f"J+{t}" for t in OFFSETS[1:]]],
            chart_id="courbes-chart",
            labelled_by="courbes-chart-summary",
        ),
        table=table,
    )
    return context | {
        "result": result,
        "headline": result.headline() if sees_full_detail(user) or result.met_holding >= 5 else "",
        "figures": [figure],
        "tables": {"impact-curves": table},
        "offsets": OFFSETS,
        "query": request.GET.urlencode(),
    }


def impact_view(request):
    require(can_view_dashboards(request.user))
    return render(request, "insights/impact.html", impact_page(request))
