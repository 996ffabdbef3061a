"""Reads for the agent screens: the searchable list and the agent page, always through `visible_to`.

These screens show each agent's adoption of digital tools, so they read `relais.adoption` (read
only; the agents models and services never depend on it).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from relais.accounts.permissions import can_view_agent, can_view_agent_journal
from relais.adoption.enums import AdoptionStatus
from relais.adoption.models import MAILBOX, Observation, Tool, ToolAccount
from relais.agents.forms import Presence
from relais.agents.models import Agent, HRManager
from relais.core.text import fold
from relais.journal.models import Entry

MAX_SEARCH_TOKENS = 5


def mailbox_tool() -> Tool | None:
    return Tool.objects.filter(code=MAILBOX).first()


def _mailbox_status_filter(tool: Tool, status: str, day: datetime.date) -> Q:
    accounts = ToolAccount.objects.filter(agent=OuterRef("pk"), tool=tool).annotate_status(day)
    if status == AdoptionStatus.NO_ACCOUNT:
        # No account at all, or one created after `day`.
        return ~Exists(accounts.exclude(status=AdoptionStatus.NO_ACCOUNT))
    return Exists(accounts.filter(status=status))


def agent_list(*, user, filters: dict, mailbox: Tool | None, day: datetime.date | None = None) -> QuerySet:
    """The agents `user` may see matching the list filters, ordered by name."""
    day = day or timezone.localdate()
    qs = Agent.objects.visible_to(user)
    presence = filters.get("presence", Presence.IN_POST)
    if presence == Presence.IN_POST:
        qs = qs.in_post(day)
    elif presence == Presence.LEFT:
        qs = qs.filter(exit_date__lte=day)
    if text := filters.get("q"):
        qs = qs.matching(text, max_tokens=MAX_SEARCH_TOKENS)
    if direction := filters.get("direction"):
        qs = qs.filter(direction=direction)
    if service := filters.get("service"):
        qs = qs.filter(service=service)
    if site_kind := filters.get("site_kind"):
        qs = qs.filter(site__kind=site_kind)
    if category := filters.get("category"):
        qs = qs.filter(category=category)
    if statut := filters.get("statut"):
        qs = qs.filter(statut=statut)
    if (status := filters.get("mailbox")) and mailbox is not None:
        qs = qs.filter(_mailbox_status_filter(mailbox, status, day))
    return qs


def agents_in_order(ids: list[int]) -> list[Agent]:
    """The agents of one list page, with their assignment, in the order of `ids`.

    The list paginates bare ids first and joins directions, services and sites for these 50 rows
    only: joining before sorting would join all 50,000 agents to show 50 (60 ms instead of 20).
    """
    agents = Agent.objects.select_related("direction", "service", "site").only(
        "public_id",
        "matricule",
        "first_name",
        "last_name",
        "usage_name",
        "entry_date",
        "exit_date",
        "direction__code",
        "direction__name",
        "service__name",
        "site__name",
        "site__kind",
    )
    by_id = agents.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class AgentRow:
    agent: Agent
    mailbox_status: AdoptionStatus
    has_left: bool


def agent_rows(agents: list[Agent], *, mailbox: Tool | None, day: datetime.date | None = None) -> list[AgentRow]:
    """The page's agents with their mailbox status on `day`, in one query."""
    day = day or timezone.localdate()
    accounts = {}
    if mailbox is not None and agents:
        accounts = {a.agent_id: a for a in ToolAccount.objects.filter(tool=mailbox, agent__in=[a.pk for a in agents])}
    return [
        AgentRow(
            agent=agent,
            mailbox_status=accounts[agent.pk].status_on(day) if agent.pk in accounts else AdoptionStatus.NO_ACCOUNT,
            has_left=agent.exit_date is not None and agent.exit_date <= day,
        )
        for agent in agents
    ]


@dataclass(frozen=True)
class ToolLine:
    tool: Tool
    account: ToolAccount | None
    status: AdoptionStatus
    observations: list[Observation]


@dataclass(frozen=True)
class AgentPage:
    agent: Agent
    hr_manager_visible: bool
    hr_manager_agent_visible: bool
    tools: list[ToolLine]
    journal: list[Entry] | None
    day: datetime.date

    @property
    def presence(self) -> str:
        """ "in_post", "left" or "not_arrived" on the page's day."""
        if self.agent.exit_date is not None and self.agent.exit_date <= self.day:
            return "left"
        return "in_post" if self.agent.is_in_post(self.day) else "not_arrived"

    @property
    def has_observations(self) -> bool:
        return any(line.observations for line in self.tools)


MAX_OBSERVATIONS = 100
MAX_JOURNAL_ENTRIES = 100


def agent_page(*, user, agent: Agent, day: datetime.date | None = None) -> AgentPage:
    """What the agent page shows: tools on the ladder with their dated history, and the journal for admins.

    Rules: the HR manager is named when `HRManager.objects.visible_to(user)` allows it, and linked to the
    agent they are only when `user` may see that agent too; the journal only for administrators
    (`can_view_agent_journal`).
    """
    day = day or timezone.localdate()
    accounts = {
        account.tool_id: account
        for account in agent.tool_accounts.prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("-as_of", "-id"))
        )
    }
    tools = []
    for tool in Tool.objects.filter(Q(is_active=True) | Q(pk__in=list(accounts))):
        account = accounts.get(tool.pk)
        tools.append(
            ToolLine(
                tool=tool,
                account=account,
                status=account.status_on(day) if account else AdoptionStatus.NO_ACCOUNT,
                observations=list(account.observations.all())[:MAX_OBSERVATIONS] if account else [],
            )
        )
    manager = agent.hr_manager
    hr_manager_visible = manager is not None and HRManager.objects.visible_to(user).filter(pk=manager.pk).exists()
    hr_manager_agent_visible = bool(hr_manager_visible and manager.agent_id and can_view_agent(user, manager.agent))
    journal = None
    if can_view_agent_journal(user, agent):
        journal = list(Entry.objects.for_object(agent).select_related("acting_user")[:MAX_JOURNAL_ENTRIES])
    return AgentPage(
        agent=agent,
        hr_manager_visible=hr_manager_visible,
        hr_manager_agent_visible=hr_manager_agent_visible,
        tools=tools,
        journal=journal,
        day=day,
    )


def agent_for_page(*, user, public_id) -> Agent | None:
    """The visible agent with its assignment, or None (the view answers 404)."""
    return (
        Agent.objects.visible_to(user)
        .select_related("direction", "service", "site", "hr_manager__agent")
        .filter(public_id=public_id)
        .first()
    )


def hr_manager_list(*, user, q: str = "", day: datetime.date | None = None) -> QuerySet:
    """The HR managers `user` may see, with the number of files each manages among the agents `user` may see
    and who are in post (an HR correspondent counts only their directions' files); most files first."""
    day = day or timezone.localdate()
    files = (
        Agent.objects.visible_to(user)
        .in_post(day)
        .filter(hr_manager=OuterRef("pk"))
        .order_by()
        .values("hr_manager")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = HRManager.objects.visible_to(user).select_related("agent__direction", "user")
    for word in fold(q).split()[:MAX_SEARCH_TOKENS]:
        qs = qs.filter(Q(key__contains=word) | Q(label__icontains=word) | Q(agent__search_text__contains=word))
    return qs.annotate(files=Coalesce(Subquery(files, output_field=IntegerField()), Value(0))).order_by(
        "-files", "label", "pk"
    )


@dataclass(frozen=True)
class HRManagerRow:
    manager: HRManager
    files: int
    agent_visible: bool


def hr_manager_rows(managers, *, user) -> list[HRManagerRow]:
    """One page of HR managers, each with whether `user` may open the page of the agent they are."""
    return [
        HRManagerRow(manager=m, files=m.files, agent_visible=bool(m.agent_id and can_view_agent(user, m.agent)))
        for m in managers
    ]
