"""Populations of agents given by filters (dashboard filters, campaign targets), and the rules of the rates.

The activation rate follows `relais.adoption.selectors.activation_by` (the programme's reported figure):
among agents in post on the day, accounts provisioned by then (created or first signed into) are the
denominator, and those first signed into by then and not disabled are the numerator.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from relais.adoption.enums import RECENT_USE_DAYS


@dataclass(frozen=True)
class PopulationFilter:
    """Agents of these directions, categories, site kinds, statuts and filières (empty = no restriction)."""

    directions: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    site_kinds: tuple[str, ...] = ()
    statuts: tuple[str, ...] = ()
    filieres: tuple[str, ...] = ()

    def q(self, prefix: str = "") -> Q:
        q = Q()
        for field, values in (
            ("direction_id", self.directions),
            ("category", self.categories),
            ("site__kind", self.site_kinds),
            ("statut", self.statuts),
            ("filiere", self.filieres),
        ):
            if values:
                q &= Q(**{f"{prefix}{field}__in": sorted(values)})
        return q


def in_post_q(day: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}entry_date__isnull": True}) | Q(**{f"{prefix}entry_date__lte": day})) & (
        Q(**{f"{prefix}exit_date__isnull": True}) | Q(**{f"{prefix}exit_date__gt": day})
    )


def provisioned_q(day: datetime.date, account: str) -> Q:
    """The account existed on `day` (created, or first signed into, by then)."""
    return Q(**{f"{account}__provisioned_on__lte": day}) | Q(**{f"{account}__activated_on__lte": day})


def activated_q(day: datetime.date, account: str) -> Q:
    """First sign-in by `day`, not disabled by then: the rate's numerator."""
    return Q(**{f"{account}__activated_on__lte": day}) & ~Q(**{f"{account}__disabled_on__lte": day})


def recent_facts_q(day: datetime.date, account: str) -> Q:
    """Activated and used in the 30 days up to `day`, when the account's latest activity is not after `day`."""
    return activated_q(day, account) & Q(
        **{
            f"{account}__last_activity_on__gte": day - datetime.timedelta(days=RECENT_USE_DAYS),
            f"{account}__last_activity_on__lte": day,
        }
    )
