"""The diagnostic as a source of the skill profiles (`relais.skills.profiles.register_source`).

Each finished session gives one row per programme tool that one of its diagnostic tools feeds
(`Scale.profile_tool`), its band the weakest of those (as Pix takes the weakest competence). An anonymous
session counts as one person of its site and direction (`"diagnostic:<id>"`); one attached to an agent
speaks for that agent (`"agent:<id>"`, their current direction and site) and stops counting once they left.
"""

import datetime

from django.db.models import Q

from relais.skills.enums import BAND_ORDER, Band
from relais.skills.profiles import Evidence


def diagnostic_evidence(today: datetime.date) -> list[Evidence]:
    from relais.diagnostic.models import Scale, Session

    feeds = dict(Scale.objects.filter(profile_tool__isnull=False).values_list("topic__code", "profile_tool__code"))
    if not feeds:
        return []
    sessions = (
        Session.objects.finished()
        .filter(Q(agent__isnull=True) | Q(agent__exit_date__isnull=True) | Q(agent__exit_date__gt=today))
        .values_list("pk", "agent_id", "agent__direction_id", "agent__site_id", "direction_id", "site_id",
                     "finished_at", "bands")
    )  # fmt: skip
    rows = []
    for pk, agent_id, agent_direction, agent_site, direction, site, finished_at, bands in sessions.iterator():
        weakest: dict[str, str] = {}
        for topic, band in (bands or {}).items():
            tool = feeds.get(topic)
            if tool is None or band not in BAND_ORDER:
                continue
            if tool not in weakest or BAND_ORDER[band] < BAND_ORDER[weakest[tool]]:
                weakest[tool] = band
        person = f"agent:{agent_id}" if agent_id else f"diagnostic:{pk}"
        where = (agent_direction, agent_site or site) if agent_id else (direction, site)
        rows += [
            Evidence(person, where[0], where[1], tool, Band(band), finished_at.date(), "diagnostic")
            for tool, band in weakest.items()
        ]
    return rows
