"""Memoisation of dashboard figures until the data moves (the journal's high-water mark) or time passes.

Every write to agents, accounts, observations and field work goes through a service that writes a
journal entry in the same transaction (the journal rule). The last entry's id therefore moves with
every change those figures depend on: keyed on it, a memoised figure is never stale. Referential
edits that are not journaled (a site's kind, a direction's name) are covered by the time limit,
`RELAIS_OVERVIEW_CACHE_SECONDS`. The key also holds the user's visibility scope, so that nobody ever
reads figures computed for a wider scope.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from relais.accounts.scopes import direction_scope
from relais.journal.models import Entry


def journal_mark() -> int:
    """The journal's high-water mark: the last entry's id (one indexed read of the primary key)."""
    return Entry.objects.aggregate(last=Max("pk"))["last"] or 0


def scope_key(user) -> str:
    scope = direction_scope(user)
    if scope.everything:
        return "all"
    return "d" + "-".join(str(pk) for pk in sorted(scope.direction_ids))


def memoised(name: str, *, user, params: tuple, compute: Callable[[], object], mark: int | None = None):
    """`compute()` memoised per figure name, scope, parameters and journal mark."""
    seconds = settings.RELAIS_OVERVIEW_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    mark = journal_mark() if mark is None else mark
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:24]
    key = f"insights:{name}:{scope_key(user)}:{digest}:{mark}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
