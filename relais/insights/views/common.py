"""Shared pieces of the dashboard views: access checks, small-group hiding, figure blocks, exports."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from relais.insights import charts
from relais.insights.permissions import sees_full_detail
from relais.insights.tables import Hidden, Table


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def shared(user, tables: dict[str, Table]) -> dict[str, Table]:
    """Tables as `user` may read them: complete for the team's heads, small groups hidden for anyone else."""
    if sees_full_detail(user):
        return tables
    return {key: table.hide_small_groups() for key, table in tables.items()}


@dataclass
class Figure:
    """A chart with its one-sentence summary and its data table (and the table's export links)."""

    id: str
    title: str
    summary: str
    table: Table
    svg: str | None = None
    page: str = ""


def rate_bars(table: Table, *, chart_id: str, label_column: int = 0, rate_label: str = "Taux d'activation"):
    """Bars of a rate column (a hidden group shows "< 5" and no bar)."""
    rates = table.column(rate_label)
    items = []
    for row, rate in zip(table.rows, rates, strict=True):
        if isinstance(rate, Hidden):
            items.append((str(row[label_column]), None, str(rate)))
        else:
            items.append((str(row[label_column]), rate, charts._pct(rate, 1)))
    return charts.bar_chart(items, chart_id=chart_id, labelled_by=f"{chart_id}-summary")


def file_response(table: Table, fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table.xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def pct(value) -> str:
    return charts._pct(value, 1) if not isinstance(value, Hidden) else str(value)


def nav(user) -> dict:
    """Which dashboard tabs `user` may open."""
    from relais.insights.permissions import can_manage_campaigns, can_view_dashboards

    return {
        "impact": can_view_dashboards(user),
        "output": can_view_dashboards(user),
        "campaigns": can_manage_campaigns(user),
        "report": can_view_dashboards(user),
        "skills": can_view_dashboards(user),
    }
