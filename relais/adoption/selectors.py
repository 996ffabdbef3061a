"""Reads of adoption for screens: an account's status on a past day, and activation rates by group."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from relais.adoption.enums import AdoptionStatus
from relais.adoption.models import Observation, Tool, ToolAccount, status_from_facts
from relais.agents.models import Agent


def status_on(account: ToolAccount, day: datetime.date) -> AdoptionStatus:
    """The account's status on a past `day`, using the history: the last activity known to precede `day`."""
    last_activity = Observation.objects.filter(account=account, last_activity_on__lte=day).aggregate(
        v=Max("last_activity_on")
    )["v"]
    disabled_on = account.disabled_on
    latest = Observation.objects.filter(account=account, as_of__lte=day).order_by("-as_of").first()
    if latest is not None and not latest.is_disabled and disabled_on is not None and disabled_on > latest.as_of:
        disabled_on = None
    return status_from_facts(
        day=day,
        provisioned_on=account.provisioned_on,
        activated_on=account.activated_on,
        last_activity_on=last_activity,
        disabled_on=disabled_on,
    )


@dataclass(frozen=True)
class ActivationRow:
    key: str | None
    label: str
    agents: int
    accounts: int
    activated: int

    @property
    def rate(self) -> float | None:
        """Activated accounts among the accounts provisioned, as a share (None when there is none)."""
        return self.activated / self.accounts if self.accounts else None


def activation_by(
    *,
    user,
    tool: Tool,
    day: datetime.date | None = None,
    group_by: str | None = None,
    label_field: str | None = None,
) -> list[ActivationRow]:
    """Activation of `tool` on `day` among the agents in post that `user` may see, by `group_by`.

    Denominator: accounts provisioned by `day` (the rate the programme reports: 37 % of mailboxes);
    numerator: those whose first sign-in happened by `day` and not disabled by then.
    """
    day = day or datetime.date.today()
    on_tool = Q(tool_accounts__tool=tool)
    provisioned = on_tool & (Q(tool_accounts__provisioned_on__lte=day) | Q(tool_accounts__activated_on__lte=day))
    activated = on_tool & Q(tool_accounts__activated_on__lte=day) & ~Q(tool_accounts__disabled_on__lte=day)
    fields = [f for f in (group_by, label_field) if f]
    agents = Agent.objects.visible_to(user).in_post(day)
    counts = {
        "agents": Count("pk", distinct=True),
        "accounts": Count("tool_accounts", filter=provisioned),
        "activated": Count("tool_accounts", filter=activated),
    }
    # Without a group, `.values()` would group by every column (one row per agent): aggregate instead.
    rows = agents.values(*fields).annotate(**counts).order_by(*fields) if fields else [agents.aggregate(**counts)]
    return [
        ActivationRow(
            key=row.get(group_by) if group_by else None,
            label=str(row.get(label_field or group_by) or "Non renseigné") if group_by else "Ensemble",
            agents=row["agents"],
            accounts=row["accounts"],
            activated=row["activated"],
        )
        for row in rows
    ]
