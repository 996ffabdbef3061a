from django.shortcuts import render
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.permissions import can_list_agents, can_view_city_overview
from relais.accounts.scopes import direction_scope
from relais.insights import summary
from relais.insights.agenda import coordinator_agenda
from relais.insights.impact import headline as impact_headline
from relais.insights.permissions import can_view_dashboards
from relais.insights.selectors import home_overview, mailbox_tool


def _mediator_context(user) -> dict:
    """Today's visits and the open follow-ups of the mediator's own visits (field-work selectors)."""
    from relais.fieldwork.selectors import my_day, open_followups

    return {
        "visits": list(my_day(user=user, day=timezone.localdate())),
        "open_followups": open_followups(user=user).count(),
    }


def _helpdesk_context(user) -> dict:
    """The queue in three numbers: open, past their deadline, nearing it (helpdesk selectors)."""
    from relais.helpdesk.selectors import QueueFilters, ticket_queue

    now = timezone.now()
    return {
        "queue_open": ticket_queue(user=user, filters=QueueFilters(view="open"), now=now).count(),
        "queue_breached": ticket_queue(user=user, filters=QueueFilters(view="open", sla="breached"), now=now).count(),
        "queue_warning": ticket_queue(user=user, filters=QueueFilters(view="open", sla="warning"), now=now).count(),
    }


def home(request):
    """The home page of each role: what this person needs first when they open Relais."""
    user = request.user
    context = {"can_list_agents": can_list_agents(user), "can_view_dashboards": can_view_dashboards(user)}
    if can_view_city_overview(user) or user.role == Role.HR:
        is_hr = not can_view_city_overview(user)
        tool = mailbox_tool()
        overview = None
        headline = ""
        behind = None
        reading = None
        if tool is not None and (not is_hr or direction_scope(user).direction_ids):
            reading = summary.check()  # once for the page: the memo's key and the "figures taken at" note
            overview = home_overview(user=user, tool=tool, with_services=is_hr, mark=reading.mark)
            if not is_hr:
                headline = impact_headline(user=user, tool=tool, mark=reading.mark)
            behind = reading.behind
        agenda = None if is_hr else coordinator_agenda(user=user, overview=overview, reading=reading)
        context |= {
            "overview": overview,
            "is_hr": is_hr,
            "tool": tool,
            "headline": headline,
            "behind": behind,
            "agenda": agenda,
        }
        return render(request, "insights/home_overview.html", context)
    if user.role == Role.MEDIATOR:
        return render(request, "insights/home_mediator.html", context | _mediator_context(user))
    if user.role == Role.HELPDESK:
        return render(request, "insights/home_helpdesk.html", context | _helpdesk_context(user))
    return render(request, "insights/home_no_role.html", context)
