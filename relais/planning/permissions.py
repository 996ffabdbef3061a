"""Who may plan, see the plan, see a site's priority."""

from relais.accounts.enums import Role


def _has_role(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))


def can_plan(user) -> bool:
    """Plans are drawn, adjusted and confirmed by the coordination."""
    return _has_role(user, Role.ADMIN, Role.COORDINATOR)


def can_view_site_priority(user) -> bool:
    return _has_role(user, Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR)


def can_view_own_visits(user) -> bool:
    return _has_role(user, Role.MEDIATOR)


def can_view_forecast(user) -> bool:
    return _has_role(user, Role.ADMIN, Role.COORDINATOR)
