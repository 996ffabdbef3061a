"""Reads for intervention screens: the population a request targets and its adoption before/after, for the
tools the request is about."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Min, Q, QuerySet, Value, When
from django.utils import timezone

from relais.adoption.models import MAILBOX, Tool, ToolAccount
from relais.adoption.selectors import ActivationRow
from relais.agents.models import Agent
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Visit
from relais.interventions.models import InterventionRequest

# Visits that may still serve a request: planned or under way, from today on.
SCHEDULABLE = (VisitStatus.PLANNED, VisitStatus.UNDER_WAY)


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


def linked_visits(request: InterventionRequest, *, user) -> tuple[list[Visit], int]:
    """The request's visits `user` may see (date order, with their site), and how many others are hidden.

    Through `Visit.objects.visible_to`: an HR correspondent never sees a visit outside their directions here,
    a mediator only their own visits (the count says that others exist).
    """
    linked = request.visits.filter(deleted_at__isnull=True)
    shown = list(
        Visit.objects.visible_to(user)
        .filter(pk__in=linked.values("pk"))
        .select_related("site")
        .order_by("date", "starts_at", "pk")
    )
    return shown, linked.count() - len(shown)


@dataclass(frozen=True)
class Progress:
    visits: int  # linked, alive and not cancelled
    done: int
    last_done_on: datetime.date | None

    @property
    def all_done(self) -> bool:
        """Every visit serving the request is done: "done" is suggested, with the last visit's date."""
        return self.visits > 0 and self.done == self.visits


def schedule_progress(request: InterventionRequest) -> Progress:
    visits = request.visits.filter(deleted_at__isnull=True).exclude(status=VisitStatus.CANCELLED)
    done = visits.filter(status=VisitStatus.DONE)
    last = done.order_by("-date").values_list("date", flat=True).first()
    return Progress(visits=visits.count(), done=done.count(), last_done_on=last)


def first_visit_on(request: InterventionRequest) -> datetime.date | None:
    """The date of the first linked visit (cancelled ones aside): the "before" reference of the assessment."""
    return (
        request.visits.filter(deleted_at__isnull=True)
        .exclude(status=VisitStatus.CANCELLED)
        .aggregate(first=Min("date"))["first"]
    )


def schedulable_visits(request: InterventionRequest, *, user) -> QuerySet[Visit]:
    """Visits the coordination may link to `request`: planned or under way, from today, on a site of the
    request's direction that `user` may see; those on the request's own sites first, then by date.
    Visits already linked stay offered whatever their state, so that saving the form keeps them."""
    today = timezone.localdate()
    site_ids = list(request.sites.values_list("pk", flat=True))
    linked = list(request.visits.values_list("pk", flat=True))
    candidates = Q(status__in=SCHEDULABLE, date__gte=today, site__direction_id=request.direction_id)
    return (
        Visit.objects.visible_to(user)
        .filter(candidates | Q(pk__in=linked))
        .select_related("site")
        .annotate(
            on_population=Case(When(site_id__in=site_ids, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("on_population", "date", "starts_at", "pk")
    )


# Topics that are about a tool without sharing its code (the catalogue's topic codes are the tools' codes
# otherwise: messagerie, badgeuse, self-service-rh, intranet).
TOPIC_TOOLS = {"teleservices": "intranet"}


@dataclass(frozen=True)
class ToolAssessment:
    tool: Tool
    rows: list[ActivationRow]
    from_topics: bool  # False: no topic names a tool, the mailbox is measured by default (the page says so)


def assessed_tools(request: InterventionRequest) -> tuple[list[Tool], bool]:
    """The tools the request is about: those its topics name (topic code = tool code, or `TOPIC_TOOLS`), in
    catalogue order; the mailbox when none does (the programme's first tool). Second value: named by topics."""
    codes = set()
    for code in request.topics.values_list("code", flat=True):
        codes.add(TOPIC_TOOLS.get(code, code))
    tools = list(Tool.objects.filter(code__in=codes).order_by("position", "name"))
    if tools:
        return tools, True
    mailbox = Tool.objects.filter(code=MAILBOX).first()
    return ([mailbox] if mailbox else []), False


def _days(request: InterventionRequest) -> list[tuple[str, datetime.date]]:
    today = timezone.localdate()
    first_visit = first_visit_on(request)
    if first_visit is not None and first_visit <= today:
        days = [("Veille de la première visite", first_visit - datetime.timedelta(days=1))]
    else:
        days = [("À la demande", timezone.localtime(request.created_at).date())]
    if request.done_on:
        days.append(("Le jour de l'intervention", request.done_on))
    if days[-1][1] != today:
        days.append(("Aujourd'hui", today))
    return days


def tool_before_after(
    request: InterventionRequest, tool: Tool, *, days=None, size: int | None = None
) -> list[ActivationRow]:
    """Activation of `tool` in the population before the intervention and after it (on the day it was done, and
    today), with the rule of `relais.adoption.selectors.activation_by`: accounts provisioned by that day, and
    among them those first signed into and not disabled by then.

    "Before" is the eve of the first linked visit once it has come (activations made during the visit count as
    "after"), else the day the request was sent.
    """
    agents = population(request)
    size = agents.count() if size is None else size
    accounts = ToolAccount.objects.filter(tool=tool, agent__in=agents.values("pk"))
    rows = []
    for label, day in days or _days(request):
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


def before_after(request: InterventionRequest) -> list[ToolAssessment]:
    """The before/after assessment of every tool the request is about (`assessed_tools`)."""
    tools, from_topics = assessed_tools(request)
    if not tools:
        return []
    days = _days(request)
    size = population(request).count()
    return [ToolAssessment(tool, tool_before_after(request, tool, days=days, size=size), from_topics) for tool in tools]
