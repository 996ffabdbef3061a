"""Pure predicates on intervention requests. Row visibility lives in `InterventionRequest.objects.visible_to`."""

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope
from relais.interventions.enums import TRANSITIONS, RequestStatus


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _team(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in {Role.ADMIN, Role.COORDINATOR})


def _requester_side(user, request) -> bool:
    if _team(user):
        return True
    return _active(user) and user.role == Role.HR and direction_scope(user).allows(request.direction_id)


def can_request_intervention(user) -> bool:
    return _team(user) or (_active(user) and user.role == Role.HR)


def can_request_for_direction(user, direction) -> bool:
    return _team(user) or (_active(user) and user.role == Role.HR and direction_scope(user).allows(direction.pk))


def can_triage(user, request=None) -> bool:
    return _team(user) and (request is None or request.status == RequestStatus.SUBMITTED)


def can_schedule(user, request) -> bool:
    return _team(user) and RequestStatus.SCHEDULED in TRANSITIONS[request.status]


def can_mark_done(user, request) -> bool:
    return _team(user) and request.status == RequestStatus.SCHEDULED


def can_assess(user, request) -> bool:
    return _requester_side(user, request) and request.status == RequestStatus.DONE


def can_withdraw(user, request) -> bool:
    return _requester_side(user, request) and RequestStatus.WITHDRAWN in TRANSITIONS[request.status]


def can_comment(user, request) -> bool:
    return _requester_side(user, request) or (_active(user) and user.role == Role.MEDIATOR)
