"""The field-work output page: visits, activities, agents met, hours, topics, outcomes, follow-ups."""

from django.shortcuts import render

from relais.insights import charts
from relais.insights.forms import PeriodForm
from relais.insights.output import output, output_tables
from relais.insights.permissions import can_view_dashboards, sees_full_detail
from relais.insights.tables import Hidden
from relais.insights.views.common import Figure, nav, require, shared


def _count_bars(table, value_column: str, chart_id: str):
    values = table.column(value_column)
    top = max((v for v in values if isinstance(v, int | float)), default=0) or 1
    items = [
        (str(row[0]), None if isinstance(v, Hidden) or v is None else v, str(v) if v is not None else "—")
        for row, v in zip(table.rows, values, strict=True)
    ]
    return charts.bar_chart(items, chart_id=chart_id, labelled_by=f"{chart_id}-summary", max_value=top)


def output_page(request) -> dict:
    user = request.user
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    out = output(user=user, start=start, end=end)
    full = sees_full_detail(user)
    tables = shared(user, output_tables(out, with_mediators=full))
    t = out.total
    per_visit = f"{t.per_visit:.1f}".replace(".", ",") if t.per_visit else "—"
    figures = [
        Figure(
            id="mois",
            title="Agents rencontrés par mois",
            summary=(
                f"Du {start:%d/%m/%Y} au {end:%d/%m/%Y} : {len(t.visits)} visites, {t.people} agents distincts "
                f"rencontrés, {per_visit} par visite, {t.hours:.0f} heures d'activités."
            ),
            svg=_count_bars(tables["output-month"], "Agents distincts", "mois-chart"),
            table=tables["output-month"],
        ),
    ]
    if "output-mediator" in tables:
        figures.append(
            Figure(
                id="mediateurs",
                title="Par médiateur",
                summary=f"{len(out.by_mediator)} médiateurs ont fait au moins une visite sur la période.",
                table=tables["output-mediator"],
            )
        )
    direction_top = max(out.by_direction.items(), key=lambda kv: kv[1].people, default=None)
    figures += [
        Figure(
            id="directions",
            title="Par direction",
            summary=(
                f"Direction la plus accompagnée : {direction_top[0]} ({direction_top[1].people} agents)."
                if direction_top
                else "Aucun agent accompagné sur la période."
            ),
            svg=_count_bars(tables["output-direction"], "Agents distincts", "directions-chart"),
            table=tables["output-direction"],
        ),
        Figure(
            id="types-site",
            title="Par type de site",
            summary="Visites, agents rencontrés et heures selon le type de site visité.",
            table=tables["output-site-kind"],
        ),
        Figure(
            id="themes",
            title="Thèmes abordés",
            summary=(
                f"Thème le plus fréquent : {out.topics[0][0]} ({out.topics[0][2]} accompagnements)."
                if out.topics
                else "Aucun thème renseigné sur la période."
            ),
            svg=_count_bars(tables["output-topic"], "Accompagnements", "themes-chart") if out.topics else None,
            table=tables["output-topic"],
        ),
        Figure(
            id="resultats",
            title="Résultats des accompagnements",
            summary=f"{t.activations} messageries activées pendant les séances sur {t.accompaniments} accompagnements.",
            svg=_count_bars(tables["output-outcome"], "Accompagnements", "resultats-chart"),
            table=tables["output-outcome"],
        ),
        Figure(
            id="suivis",
            title="Suivis",
            summary=(
                f"{out.followups['demandés']} suivis demandés : {out.followups['faits']} faits, "
                f"{out.followups['ouverts']} encore ouverts."
            ),
            table=tables["output-followup"],
        ),
    ]
    return {
        "form": form,
        "start": start,
        "end": end,
        "out": out,
        "figures": figures,
        "tables": tables,
        "nav": nav(user),
        "full_detail": full,
        "query": request.GET.urlencode(),
    }


def output_view(request):
    require(can_view_dashboards(request.user))
    return render(request, "insights/output.html", output_page(request))
