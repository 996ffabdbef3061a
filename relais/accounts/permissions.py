"""Pure predicates: what a user may do. Row visibility lives in `relais.accounts.scopes`."""

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope


def _has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))


def can_view_city_overview(user) -> bool:
    return _has_role(user, Role.ADMIN, Role.COORDINATOR)


def can_view_agent(user, agent) -> bool:
    return direction_scope(user).allows(agent.direction_id)


def can_view_agent_journal(user, agent) -> bool:
    return _has_role(user, Role.ADMIN) and can_view_agent(user, agent)


def can_list_agents(user) -> bool:
    return _has_role(user, Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.HR, Role.HELPDESK)


def can_list_hr_managers(user) -> bool:
    """Coordinators and HR correspondents follow HR managers (rows: `HRManager.objects.visible_to`)."""
    return _has_role(user, Role.ADMIN, Role.COORDINATOR, Role.HR)


def can_manage_referential(user) -> bool:
    return _has_role(user, Role.ADMIN)
