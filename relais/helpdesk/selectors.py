"""Reads for the assistance screens: the queue, the agent finder, a ticket's page."""

import re
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from relais.agents.models import Agent
from relais.core.text import fold
from relais.helpdesk.enums import DONE_STATUSES, PAUSED_STATUSES, MessageKind, Status
from relais.helpdesk.models import MailFailure, Ticket
from relais.helpdesk.permissions import can_view_internal_notes

_REFERENCE = re.compile(r"^#?\s*(\d{1,9})$")
# A name search matching more agents than this is too vague to be useful; the first ones are kept.
MAX_SEARCHED_AGENTS = 500


@dataclass(frozen=True)
class QueueFilters:
    view: str = "open"  # open | mine | unassigned | waiting | done | all
    sla: str = ""  # "" | breached | warning
    category: int | None = None
    priority: str = ""
    channel: str = ""
    q: str = ""


def ticket_queue(*, user, filters: QueueFilters, now=None) -> QuerySet[Ticket]:
    """Tickets `user` may see, filtered for the queue, nearest deadline first (deadline-less ones last).

    Everything is decided in SQL on stored columns (status, due_at, warn_at) so that the page stays fast
    at 100,000 tickets.
    """
    now = now or timezone.now()
    qs = Ticket.objects.visible_to(user)
    done = [s.value for s in DONE_STATUSES]
    if filters.view == "open":
        qs = qs.exclude(status__in=done)
    elif filters.view == "mine":
        qs = qs.exclude(status__in=done).filter(assigned_to=user)
    elif filters.view == "unassigned":
        qs = qs.exclude(status__in=done).filter(assigned_to__isnull=True)
    elif filters.view == "waiting":
        qs = qs.filter(status__in=[s.value for s in PAUSED_STATUSES])
    elif filters.view == "done":
        qs = qs.filter(status__in=done)
    if filters.sla == "breached":
        qs = qs.filter(due_at__lte=now)
    elif filters.sla == "warning":
        qs = qs.filter(warn_at__lte=now, due_at__gt=now)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.q:
        if match := _REFERENCE.match(filters.q.strip()):
            qs = qs.filter(pk=int(match.group(1)))
        else:
            # Agents first (the indexed, folded search column), then their tickets: one join-free filter.
            agents = Agent.objects.matching(filters.q)
            callers = Q()
            for token in fold(filters.q).split()[:4]:
                callers &= Q(caller_name__icontains=token)
            agent_ids = list(agents.values_list("pk", flat=True)[:MAX_SEARCHED_AGENTS])
            qs = qs.filter(Q(requester_id__in=agent_ids) | (Q(requester__isnull=True) & callers))
    return qs.select_related("requester", "category", "assigned_to").order_by(
        F("due_at").asc(nulls_last=True), "-created_at"
    )


def agent_search(*, user, q: str, limit: int = 8) -> list[Agent]:
    """Agents whose folded names or matricule start with every typed token: "dur san" finds Sandrine Durand."""
    tokens = fold(q).split()[:4]
    if not tokens or sum(len(t) for t in tokens) < 2:
        return []
    qs = Agent.objects.visible_to(user).matching(q)
    return list(qs.select_related("site", "direction", "service").order_by("last_name", "first_name")[:limit])


def ticket_thread(*, user, ticket: Ticket):
    """The ticket's messages in order; internal notes only for the team handling it."""
    messages = ticket.messages.select_related("author")
    if not can_view_internal_notes(user, ticket):
        messages = messages.exclude(kind=MessageKind.NOTE)
    return list(messages)


def ticket_for_page(*, user, public_id) -> Ticket:
    return (
        Ticket.objects.visible_to(user)
        .select_related(
            "requester__site",
            "requester__direction",
            "requester__service",
            "category",
            "assigned_to",
            "created_by",
            "duplicate_of",
            "site",
            "direction",
        )
        .get(public_id=public_id)
    )


def open_statuses() -> list[str]:
    return [s.value for s in Status if s not in DONE_STATUSES]


def mail_quarantined() -> int:
    """Incoming e-mails moved to the quarantine folder and not yet cleared by an operator."""
    return MailFailure.objects.filter(quarantined_at__isnull=False).count()
