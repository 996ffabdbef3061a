"""The one place that decides which rows of the referential a user may see.

Every `visible_to(user)` queryset method asks `direction_scope(user)`; nothing else decides.
Rules:
- administrators, coordinators, mediators and helpdesk operators see every direction (mediators
  must find any participant, operators any caller);
- an HR correspondent sees only the directions assigned to them, and nothing if none is assigned;
- anyone else (anonymous, inactive, no role) sees nothing.
"""

from dataclasses import dataclass

from django.db.models import Q

from relais.accounts.enums import Role

CITY_WIDE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.HELPDESK})


@dataclass(frozen=True)
class DirectionScope:
    everything: bool
    direction_ids: frozenset[int]

    def q(self, field: str = "direction") -> Q:
        """A filter restricting rows whose `field` (a Direction foreign key path) is in scope."""
        if self.everything:
            return Q()
        if not self.direction_ids:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": sorted(self.direction_ids)})

    def allows(self, direction_id: int | None) -> bool:
        return self.everything or (direction_id is not None and direction_id in self.direction_ids)


NOTHING = DirectionScope(everything=False, direction_ids=frozenset())
EVERYTHING = DirectionScope(everything=True, direction_ids=frozenset())


def direction_scope(user) -> DirectionScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_relais_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.role in CITY_WIDE_ROLES:
        scope = EVERYTHING
    elif user.role == Role.HR:
        scope = DirectionScope(everything=False, direction_ids=frozenset(user.directions.values_list("pk", flat=True)))
    else:
        scope = NOTHING
    user._relais_scope = scope
    return scope
