"""Reads for intervention screens: the population a request targets and its mailbox adoption before/after."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.adoption.models import MAILBOX, Tool, ToolAccount
from relais.adoption.selectors import ActivationRow
from relais.agents.models import Agent
from relais.interventions.models import InterventionRequest


def population(request: InterventionRequest, *, on: datetime.date | None = None) -> QuerySet[Agent]:
    """Agents in post in the request's direction matching any of its sites, services or listed agents,
    and its categories when given (all the direction when only categories, or only a note, are given)."""
    qs = Agent.objects.filter(direction_id=request.direction_id).in_post(on)
    site_ids = list(request.sites.values_list("pk", flat=True))
    service_ids = list(request.services.values_list("pk", flat=True))
    agent_ids = list(request.agents.values_list("pk", flat=True))
    if site_ids or service_ids or agent_ids:
        qs = qs.filter(Q(site_id__in=site_ids) | Q(service_id__in=service_ids) | Q(pk__in=agent_ids))
    if request.categories:
        qs = qs.filter(category__in=request.categories)
    return qs


def mailbox_before_after(request: InterventionRequest) -> list[ActivationRow]:
    """Mailbox activation of the population on the day the request was sent and after the intervention
    (on the day it was done, and today), with the same rule as `relais.adoption.selectors.activation_by`:
    accounts provisioned by that day, and among them those first signed into and not disabled by then."""
    tool = Tool.objects.filter(code=MAILBOX).first()
    if tool is None:
        return []
    agents = population(request)
    size = agents.count()
    days = [("À la demande", timezone.localtime(request.created_at).date())]
    if request.done_on:
        days.append(("Le jour de l'intervention", request.done_on))
    today = timezone.localdate()
    if days[-1][1] != today:
        days.append(("Aujourd'hui", today))
    accounts = ToolAccount.objects.filter(tool=tool, agent__in=agents.values("pk"))
    rows = []
    for label, day in days:
        provisioned = accounts.filter(Q(provisioned_on__lte=day) | Q(activated_on__lte=day))
        activated = accounts.filter(activated_on__lte=day).exclude(disabled_on__lte=day)
        rows.append(
            ActivationRow(
                key=day.isoformat(),
                label=f"{label} ({day:%d/%m/%Y})",
                agents=size,
                accounts=provisioned.count(),
                activated=activated.count(),
            )
        )
    return rows
