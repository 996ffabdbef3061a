"""Digital skills in the dashboards: each direction's and site's profile by tool (`relais.skills.profiles`)."""

import datetime

from relais.adoption.models import Tool
from relais.insights.tables import Column, Table
from relais.organisation.models import Direction, Site
from relais.skills.profiles import ProfileRow, Source, evidence, skill_profiles

COLUMNS = ["Personnes évaluées", "À accompagner", "Avec guidage", "Autonome"]


def _table(key: str, caption: str, group_label: str, rows: list[ProfileRow], names: dict[int, str], tools) -> Table:
    body = [
        [
            names.get(r.group_id, "?"),
            tools.get(r.tool, r.tool),
            r.people,
            r.share(r.help),
            r.share(r.guided),
            r.share(r.autonomous),
        ]
        for r in sorted(rows, key=lambda r: (names.get(r.group_id, ""), tools.get(r.tool, r.tool)))
    ]
    return Table(
        key=key,
        caption=caption,
        columns=[
            Column(group_label),
            Column("Outil"),
            Column(COLUMNS[0], "int", is_size=True),
            *[Column(label, "rate") for label in COLUMNS[1:]],
        ],
        rows=body,
        note="Part des personnes évaluées (Pix, diagnostic) dans chaque niveau, d'après leur résultat le plus récent.",
    )


def skills_tables(*, user, sources: list[Source] | None = None, today: datetime.date | None = None) -> dict[str, Table]:
    """The two profile tables the page shows (figures complete: the view hides small groups for whoever needs it)."""
    tools = dict(Tool.objects.values_list("code", "name"))
    gathered = evidence(sources=sources, today=today)
    by_direction = skill_profiles(user=user, by="direction", rows_of=gathered)
    by_site = skill_profiles(user=user, by="site", rows_of=gathered)
    directions = {
        d.pk: f"{d.code} · {d.name}" for d in Direction.objects.filter(pk__in={r.group_id for r in by_direction})
    }
    sites = dict(Site.objects.filter(pk__in={r.group_id for r in by_site}).values_list("pk", "name"))
    return {
        "skills-direction": _table(
            "skills-direction", "Profil de compétences par direction et par outil", "Direction", by_direction,
            directions, tools,
        ),
        "skills-site": _table(
            "skills-site", "Profil de compétences par site et par outil", "Site", by_site, sites, tools
        ),
    }  # fmt: skip
