"""Pure predicates: who may record, see, export and correct field work. Rows: `Visit.objects.visible_to`."""

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope
from relais.fieldwork.enums import VisitStatus


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _is_team_lead(user) -> bool:
    return _active(user) and (user.is_superuser or user.role in (Role.ADMIN, Role.COORDINATOR))


def _is_mediator(user) -> bool:
    return _active(user) and user.role == Role.MEDIATOR


def is_mediator_of(user, visit) -> bool:
    if not _active(user):
        return False
    # Prefetched mediators (lists) avoid one query per visit; otherwise the ids are read once per visit object.
    cache = getattr(visit, "_prefetched_objects_cache", {})
    if "mediators" in cache:
        return any(m.pk == user.pk for m in cache["mediators"])
    ids = getattr(visit, "_relais_mediator_ids", None)
    if ids is None:
        ids = visit._relais_mediator_ids = frozenset(visit.mediators.values_list("pk", flat=True))
    return user.pk in ids


def can_record_fieldwork(user) -> bool:
    """Mediators record their day; coordinators may record on the team's behalf."""
    return _is_mediator(user) or _is_team_lead(user)


def can_plan_for_team(user) -> bool:
    """The coordinator (or an administrator) creates visits for the team and chooses their mediators."""
    return _is_team_lead(user)


def can_view_visit(user, visit) -> bool:
    if visit.deleted_at is not None or not _active(user):
        return False
    if _is_team_lead(user):
        return True
    if _is_mediator(user):
        return is_mediator_of(user, visit)
    if user.role == Role.HR:
        return direction_scope(user).allows(visit.site.direction_id)
    return False


def can_edit_visit(user, visit) -> bool:
    """Its own mediators, or the coordinator, while the visit is planned or under way."""
    if visit.deleted_at is not None or visit.status in (VisitStatus.DONE, VisitStatus.CANCELLED):
        return False
    return _is_team_lead(user) or (_is_mediator(user) and is_mediator_of(user, visit))


def can_record_outcome(user, visit) -> bool:
    """Outcomes may still be completed once the visit is done (not once cancelled or deleted)."""
    if visit.deleted_at is not None or visit.status == VisitStatus.CANCELLED:
        return False
    return _is_team_lead(user) or (_is_mediator(user) and is_mediator_of(user, visit))


def can_delete_visit(user, visit) -> bool:
    if visit.deleted_at is not None:
        return False
    return _is_team_lead(user) or (_is_mediator(user) and is_mediator_of(user, visit))


def can_view_team_activities(user) -> bool:
    """The team list and its exports: the coordinator for the team, an HR correspondent for their directions."""
    return _is_team_lead(user) or (_active(user) and user.role == Role.HR)


def can_export_activities(user) -> bool:
    return can_view_team_activities(user) or _is_mediator(user)


def can_manage_topics(user) -> bool:
    return _is_team_lead(user)
