"""Pure predicates on findings. Row visibility lives in `Finding.objects.visible_to` (`accounts.scopes`)."""

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope


def _has_role(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))


def can_view_findings(user) -> bool:
    """Coordination, administration and HR correspondents (their directions only) follow HR data reliability."""
    return _has_role(user, Role.ADMIN, Role.COORDINATOR, Role.HR)


def can_justify_finding(user, finding) -> bool:
    return can_view_findings(user) and direction_scope(user).allows(finding.direction_id)


def can_request_from_findings(user, direction) -> bool:
    from relais.interventions.permissions import can_request_for_direction

    return can_view_findings(user) and can_request_for_direction(user, direction)
