from django.shortcuts import render

from relais.accounts.enums import Role
from relais.accounts.permissions import can_list_agents, can_view_city_overview
from relais.accounts.scopes import direction_scope
from relais.insights.selectors import home_overview, mailbox_tool


def home(request):
    """The home page of each role: what this person needs first when they open Relais."""
    user = request.user
    context = {"can_list_agents": can_list_agents(user)}
    if can_view_city_overview(user) or user.role == Role.HR:
        is_hr = not can_view_city_overview(user)
        tool = mailbox_tool()
        overview = None
        if tool is not None and (not is_hr or direction_scope(user).direction_ids):
            overview = home_overview(user=user, tool=tool, with_services=is_hr)
        context |= {"overview": overview, "is_hr": is_hr, "tool": tool}
        return render(request, "insights/home_overview.html", context)
    if user.role == Role.MEDIATOR:
        return render(request, "insights/home_mediator.html", context)
    if user.role == Role.HELPDESK:
        return render(request, "insights/home_helpdesk.html", context)
    return render(request, "insights/home_no_role.html", context)
