"""Pure predicates of the API area. Rows: each area's `visible_to`; these only add what tokens change."""

from relais.api.enums import Scope
from relais.imports.permissions import can_import


def can_push_adoption(token) -> bool:
    """Pushing observations is an import: an administrator's token, or an application an administrator registered
    and granted `adoption:write` (it still writes only about the agents of its directions)."""
    if not token.has_scope(Scope.ADOPTION_WRITE):
        return False
    return bool(token.application_id) or can_import(token.user)


def can_manage_tokens(user) -> bool:
    """Tokens are issued and revoked by administrators (the admin site and `manage.py api_token`)."""
    from relais.accounts.permissions import can_manage_referential

    return can_manage_referential(user)
