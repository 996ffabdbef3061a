"""Memoisation of dashboard figures until the data moves (the journal's high-water mark) or time passes.

Every write to agents, accounts, observations and field work goes through a service that writes a
journal entry in the same transaction (the journal rule). The last entry's id therefore moves with
every change those figures depend on: keyed on it (and on the sites' state, as the summary's token is),
a memoised figure is never staler than its data. The mark also holds when the adoption summary was
built: figures read from a summary behind the data are replaced once it is rebuilt. Referential edits
that are not journaled (a direction's name) are covered by the time limit, `RELAIS_OVERVIEW_CACHE_SECONDS`.
The key also holds the user's visibility scope, so that nobody ever reads figures computed for a wider scope.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from relais.accounts.scopes import direction_scope
from relais.insights import summary


def scope_key(user) -> str:
    scope = direction_scope(user)
    if scope.everything:
        return "all"
    return "d" + "-".join(str(pk) for pk in sorted(scope.direction_ids))


def memoised(name: str, *, user, params: tuple, compute: Callable[[], object], mark: str | None = None):
    """`compute()` memoised per figure name, scope, parameters and data mark (`summary.check().mark`, unless
    the page read it already)."""
    seconds = settings.RELAIS_OVERVIEW_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    mark = summary.check().mark if mark is None else mark
    digest = hashlib.sha256(repr((params, mark)).encode()).hexdigest()[:32]
    key = f"insights:{name}:{scope_key(user)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
