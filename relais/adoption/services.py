"""Writes to the adoption history. Every observation goes through here, then the account's facts are merged."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from relais.adoption.enums import Source
from relais.adoption.models import Observation, Tool, ToolAccount
from relais.journal.services import journal_record


def accounts_refresh(account_ids: Iterable[int]) -> int:
    """Merge each account's observations into its facts, in SQL, for any number of accounts.

    Rules: created = earliest creation seen; first sign-in = earliest sign-in seen, or the earliest
    activity when a source reports activity without a sign-in date; last activity = latest seen;
    disabled since the first "disabled" observation after the last "enabled" one, none if the latest
    observation says enabled.
    """
    ids = list(account_ids)
    obs = Observation.objects.filter(account=OuterRef("pk"))

    def first(expr, **filters):
        return Subquery(obs.filter(**filters).order_by().values("account").annotate(v=expr).values("v")[:1])

    last_enabled = Subquery(obs.filter(is_disabled=False).order_by("-as_of").values("as_of")[:1])
    disabled_since = Subquery(
        obs.filter(is_disabled=True)
        .filter(Q(as_of__gt=Coalesce(OuterRef("_last_enabled"), datetime.date(1, 1, 1))))
        .order_by()
        .values("account")
        .annotate(v=Min("as_of"))
        .values("v")[:1]
    )
    updated = 0
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        qs = ToolAccount.objects.filter(pk__in=chunk).annotate(_last_enabled=last_enabled)
        for account in qs.annotate(
            _provisioned=first(Min("provisioned_on")),
            _first_sign_in=first(Min("first_sign_in_on")),
            _first_activity=first(Min("last_activity_on")),
            _last_activity=first(Max("last_activity_on")),
            _disabled=disabled_since,
        ).only("pk", "provisioned_on", "activated_on", "last_activity_on", "disabled_on"):
            activated = account._first_sign_in
            if account._first_activity is not None:
                activated = min(d for d in (activated, account._first_activity) if d is not None)
            facts = {
                "provisioned_on": account._provisioned,
                "activated_on": activated,
                "last_activity_on": account._last_activity,
                "disabled_on": account._disabled,
            }
            if any(getattr(account, k) != v for k, v in facts.items()):
                ToolAccount.objects.filter(pk=account.pk).update(**facts)
                updated += 1
    return updated


@transaction.atomic
def observation_record(
    *,
    acting_user,
    agent,
    tool: Tool,
    source: Source,
    as_of: datetime.date,
    login: str = "",
    provisioned_on: datetime.date | None = None,
    first_sign_in_on: datetime.date | None = None,
    last_activity_on: datetime.date | None = None,
    is_disabled: bool = False,
    reference: str = "",
) -> Observation:
    """Record what a source says about an agent's account on `as_of`, creating the account if needed.

    One observation per account, source and day: a second one the same day replaces nothing and
    returns the first (idempotent, as re-sent mediation entries must be).
    """
    account, created = ToolAccount.objects.get_or_create(
        agent=agent, tool=tool, defaults={"login": login, "provisioned_on": provisioned_on or as_of}
    )
    if login and account.login != login:
        account.login = login
        account.save(update_fields=["login", "updated_at"])
    observation, obs_created = Observation.objects.get_or_create(
        account=account,
        source=source,
        as_of=as_of,
        defaults={
            "provisioned_on": provisioned_on or (as_of if created else None),
            "first_sign_in_on": first_sign_in_on,
            "last_activity_on": last_activity_on,
            "is_disabled": is_disabled,
            "reference": reference,
        },
    )
    if obs_created:
        accounts_refresh([account.pk])
        journal_record(
            acting_user=acting_user,
            action="adoption.observation",
            obj=agent,
            payload={
                "outil": tool.code,
                "source": str(source),
                "au": as_of.isoformat(),
                "activation": first_sign_in_on.isoformat() if first_sign_in_on else None,
            },
        )
    return observation
