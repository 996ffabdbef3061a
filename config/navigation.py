"""The main navigation: one list, each entry shown to the users whose area predicate allows it.

Lives beside the root URLconf because, like it, it composes every area; areas never build menus.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from relais.accounts.permissions import can_list_agents
from relais.fieldwork.permissions import can_record_fieldwork, can_view_team_activities
from relais.findings.permissions import can_view_findings
from relais.helpdesk.permissions import can_use_helpdesk
from relais.imports.permissions import can_import
from relais.insights.permissions import can_view_dashboards
from relais.interventions.permissions import can_request_intervention, can_triage
from relais.planning.permissions import can_plan, can_view_own_visits
from relais.team.permissions import can_manage_team


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    allowed: Callable[[object], bool]


ENTRIES = [
    Entry("Accueil", "insights:home", lambda user: True),
    Entry("Ma journée", "fieldwork:my_day", can_record_fieldwork),
    Entry("Activités", "fieldwork:team_activities", can_view_team_activities),
    Entry("Agents", "agents:agent_list", can_list_agents),
    Entry("Planification", "planning:plan_week", can_plan),
    Entry("Mes visites", "planning:my_visits", lambda u: can_view_own_visits(u) and not can_plan(u)),
    Entry("Équipe", "team:home", can_manage_team),
    Entry("Assistance", "helpdesk:ticket_list", can_use_helpdesk),
    Entry("Interventions", "interventions:request_list", lambda u: can_request_intervention(u) or can_triage(u)),
    Entry("Fiabilité RH", "findings:overview", can_view_findings),
    Entry("Guides", "knowledge:article_list", lambda user: True),
    Entry("Imports", "imports:run_list", can_import),
    Entry("Indicateurs", "insights:adoption", can_view_dashboards),
]


def navigation(request):
    """`main_nav`: the entries the user may use; the one whose URL best prefixes the page is current."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_nav": []}
    items = [{"label": e.label, "url": reverse(e.url_name), "current": False} for e in ENTRIES if e.allowed(user)]
    matching = [i for i in items if request.path.startswith(i["url"]) and (i["url"] != "/" or request.path == "/")]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["current"] = True
    return {"main_nav": items}
