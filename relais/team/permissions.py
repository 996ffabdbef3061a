"""Who follows the team's path: the coordination (recruitment, onboarding, growth)."""

from relais.accounts.enums import Role


def can_manage_team(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.ADMIN, Role.COORDINATOR))
    )
