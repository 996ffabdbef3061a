"""The digital-skills page: how much help each direction's and site's agents need with each tool."""

from django.conf import settings
from django.shortcuts import render

from relais.insights.permissions import can_view_dashboards, sees_full_detail
from relais.insights.skills import skills_tables
from relais.insights.views.common import Figure, nav, require, shared


def _summary(table, group: str) -> str:
    """One sentence for the figure: how many groups have results, and where the need is strongest."""
    if not table.rows:
        return "Aucun résultat Pix ni diagnostic rattaché pour l'instant."
    groups = len({row[0] for row in table.rows})
    shown = [row for row in table.rows if isinstance(row[2], int) and isinstance(row[3], float)]  # not hidden
    text = f"{groups} {group}{'s' if groups > 1 else ''} avec des résultats."
    if shown:
        name, tool, people, share = max(shown, key=lambda row: (row[3], row[2]))[:4]
        text += (
            f" Besoin le plus fort : {name}, {tool.lower()} ({share * 100:.0f} % à accompagner "
            f"sur {people} personne{'s' if people > 1 else ''} évaluée{'s' if people > 1 else ''})."
        )
    return text


def skills_page(request) -> dict:
    user = request.user
    tables = shared(user, skills_tables(user=user))
    figures = [
        Figure(
            id="directions",
            title="Par direction",
            summary=_summary(tables["skills-direction"], "direction"),
            table=tables["skills-direction"],
        ),
        Figure(
            id="sites",
            title="Par site",
            summary=_summary(tables["skills-site"], "site"),
            table=tables["skills-site"],
        ),
    ]
    return {
        "figures": figures,
        "tables": tables,
        "nav": nav(user),
        "full_detail": sees_full_detail(user),
        "threshold": settings.RELAIS_SMALL_GROUP_THRESHOLD,
        "query": "",
    }


def skills_view(request):
    require(can_view_dashboards(request.user))
    return render(request, "insights/skills.html", skills_page(request))
