"""Pure predicates on tickets. Row visibility lives in `Ticket.objects.visible_to`."""

from relais.accounts.enums import Role
from relais.helpdesk.enums import TRANSITIONS, Status

OPERATOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.HELPDESK})


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _operator(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in OPERATOR_ROLES)


def can_use_helpdesk(user) -> bool:
    """The queue, the call form and the statistics: the line's staff, and mediators who answer it."""
    return _operator(user) or (_active(user) and user.role == Role.MEDIATOR)


def can_create_ticket(user) -> bool:
    return can_use_helpdesk(user)


def can_view_statistics(user) -> bool:
    return _operator(user)


def _handles(user, ticket) -> bool:
    if _operator(user):
        return True
    return _active(user) and user.role == Role.MEDIATOR and user.pk in {ticket.assigned_to_id, ticket.created_by_id}


def can_reply_ticket(user, ticket) -> bool:
    return _handles(user, ticket) and ticket.status not in {Status.CLOSED, Status.DUPLICATE}


def can_add_note(user, ticket) -> bool:
    return _handles(user, ticket)


def can_assign_ticket(user, ticket) -> bool:
    return _operator(user) and ticket.is_open


def can_change_ticket(user, ticket) -> bool:
    """Category, priority, requester, linked guides, escalation."""
    return _handles(user, ticket) and ticket.status not in {Status.CLOSED, Status.DUPLICATE}


def can_set_status(user, ticket, status: str) -> bool:
    return _handles(user, ticket) and status in TRANSITIONS.get(ticket.status, frozenset())


def can_view_internal_notes(user, ticket) -> bool:
    """HR correspondents follow their directions' tickets but not the team's internal notes."""
    return _handles(user, ticket)


def can_print_posters(user) -> bool:
    return can_use_helpdesk(user)
