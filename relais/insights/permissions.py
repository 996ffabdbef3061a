"""Who may read which statistics. Rows are always reached through `visible_to(user)` on top of these."""

from relais.accounts.enums import Role


def _has_role(user, *roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))


def can_view_dashboards(user) -> bool:
    """Adoption, impact and output dashboards: the team's heads, and HR correspondents for their directions."""
    return _has_role(user, Role.ADMIN, Role.COORDINATOR, Role.HR)


def can_manage_campaigns(user) -> bool:
    """Campaign targets are set by the coordination."""
    return _has_role(user, Role.ADMIN, Role.COORDINATOR)


def sees_full_detail(user) -> bool:
    """The mediation team's heads see every group; statistics shared beyond the team hide small groups."""
    return _has_role(user, Role.ADMIN, Role.COORDINATOR)
