from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from relais.accounts.permissions import can_list_agents, can_list_hr_managers
from relais.agents import selectors
from relais.agents.forms import AgentFilterForm

PAGE_SIZE = 50


def agent_list(request):
    """Search and filter the agents the user may see; htmx requests get the results region only."""
    if not can_list_agents(request.user):
        raise PermissionDenied
    form = AgentFilterForm(request.GET, user=request.user)
    mailbox = selectors.mailbox_tool()
    agents = selectors.agent_list(user=request.user, filters=form.filters(), mailbox=mailbox)
    page = Paginator(agents.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": selectors.agent_rows(selectors.agents_in_order(list(page.object_list)), mailbox=mailbox),
        "mailbox": mailbox,
        "can_list_hr_managers": can_list_hr_managers(request.user),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "agents/agent_list.html#results" if partial else "agents/agent_list.html"
    response = render(request, template, context)
    # The same URL answers a full page or a fragment: caches and the back button must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def agent_detail(request, public_id):
    """One agent: identity, assignment, tools on the adoption ladder with their history (404 out of scope)."""
    if not can_list_agents(request.user):
        raise PermissionDenied
    agent = selectors.agent_for_page(user=request.user, public_id=public_id)
    if agent is None:
        raise Http404("Agent introuvable.")
    return render(request, "agents/agent_detail.html", {"page": selectors.agent_page(user=request.user, agent=agent)})


def hr_manager_list(request):
    """The HR managers (gestionnaires RH) the user may see, with the files each manages and who they are."""
    if not can_list_hr_managers(request.user):
        raise PermissionDenied
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.hr_manager_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "rows": selectors.hr_manager_rows(page.object_list, user=request.user)}
    return render(request, "agents/hr_manager_list.html", context)
