"""Pure predicates for imports: an administrator's tool (the referential and its data sources)."""

from relais.accounts.permissions import can_manage_referential


def can_import(user) -> bool:
    return can_manage_referential(user)
