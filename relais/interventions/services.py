"""Every write on intervention requests: permission checked, journaled, notified on commit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Visit
from relais.interventions import notifications, permissions
from relais.interventions.enums import TRANSITIONS, RequestStatus
from relais.interventions.models import Comment, InterventionRequest
from relais.journal.services import journal_record


def _notify(request, event: str, *, to_team: bool) -> None:
    transaction.on_commit(lambda: notifications.notify(request.pk, event, to_team=to_team))


def _move(request: InterventionRequest, status: str) -> str:
    if status not in TRANSITIONS[request.status]:
        raise ValidationError(
            f"Passage impossible de « {request.get_status_display()} » à « {RequestStatus(status).label} »."
        )
    old, request.status = request.status, status
    return old


def intervention_submit(
    *,
    acting_user,
    direction,
    title: str,
    goal: str,
    topics=(),
    sites=(),
    services=(),
    categories=(),
    agents=(),
    population_note: str = "",
    desired_start: datetime.date | None = None,
    desired_end: datetime.date | None = None,
    constraints: str = "",
    on_behalf_of=None,
) -> InterventionRequest:
    """An HR correspondent (or the coordination on their behalf) asks for an intervention in their direction.

    Sites, services and agents must belong to that direction; the coordination is told by e-mail.
    """
    if not permissions.can_request_for_direction(acting_user, direction):
        raise PermissionDenied
    errors = []
    if desired_start and desired_end and desired_end < desired_start:
        errors.append("La fin de la période souhaitée précède son début.")
    for label, rows in (("site", sites), ("service", services), ("agent", agents)):
        outside = [str(r) for r in rows if r.direction_id != direction.pk]
        if outside:
            errors.append(f"Hors de la direction {direction.code} ({label}) : {', '.join(outside)}.")
    if not (sites or services or categories or agents or population_note.strip()):
        errors.append("Décrivez le public visé : des sites, des services, des catégories, des agents ou en clair.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = InterventionRequest.objects.create(
            direction=direction,
            requested_by=acting_user,
            on_behalf_of=on_behalf_of,
            title=title.strip()[:160],
            goal=goal.strip(),
            categories=sorted(set(categories)),
            population_note=population_note.strip(),
            desired_start=desired_start,
            desired_end=desired_end,
            constraints=constraints.strip(),
        )
        request.topics.set(topics)
        request.sites.set(sites)
        request.services.set(services)
        request.agents.set(agents)
        journal_record(
            acting_user=acting_user,
            action="interventions.request_submit",
            obj=request,
            payload={"direction": direction.code, "agents": len(agents), "sites": len(sites)},
        )
        _notify(request, "submitted", to_team=True)
    return request


def intervention_decide(
    *, acting_user, request: InterventionRequest, accept: bool, reason: str = ""
) -> InterventionRequest:
    """Accept or decline a submitted request; declining needs a reason, which the requester reads."""
    if not permissions.can_triage(acting_user, request):
        raise PermissionDenied
    if not accept and not reason.strip():
        raise ValidationError("Indiquez le motif du refus : le demandeur le lira.")
    with transaction.atomic():
        old = _move(request, RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED)
        request.decided_by, request.decided_at, request.decision_reason = acting_user, timezone.now(), reason.strip()
        request.save()
        journal_record(
            acting_user=acting_user,
            action="interventions.request_decide",
            obj=request,
            payload={"from": old, "to": request.status},
        )
        _notify(request, "decided", to_team=False)
    return request


def intervention_schedule(
    *,
    acting_user,
    request: InterventionRequest,
    scheduled_for: datetime.date | None = None,
    note: str = "",
    visits=None,
) -> InterventionRequest:
    """Link the field-work visits that serve the request (and/or note when and how); may be redone until done.

    `visits` (None: leave the links as they are) replaces the linked visits. A newly linked visit must be
    visible to the acting user, alive, planned or under way, and on a site of the request's direction; the
    date defaults to the first linked visit's. Something must be said: visits, a date or a note.
    """
    if not permissions.can_schedule(acting_user, request):
        raise PermissionDenied
    current = set(request.visits.values_list("pk", flat=True))
    chosen = current if visits is None else {v.pk for v in visits}
    added = chosen - current
    errors = []
    if added:
        allowed = set(
            Visit.objects.visible_to(acting_user)
            .filter(
                pk__in=added,
                status__in=[VisitStatus.PLANNED, VisitStatus.UNDER_WAY],
                site__direction_id=request.direction_id,
            )
            .values_list("pk", flat=True)
        )
        refused = [str(v) for v in visits if v.pk in added - allowed]
        if refused:
            errors.append(
                f"Visites impossibles à lier (ni prévues, ni en cours, ou hors de la direction "
                f"{request.direction.code}) : {', '.join(refused)}."
            )
    if scheduled_for is None and chosen:
        scheduled_for = (
            Visit.objects.filter(pk__in=chosen).exclude(status=VisitStatus.CANCELLED).aggregate(d=Min("date"))["d"]
        )
    if scheduled_for is None and not note.strip() and not chosen:
        errors.append("Choisissez les visites prévues, ou indiquez une date ou des précisions.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old = _move(request, RequestStatus.SCHEDULED)
        request.scheduled_for, request.schedule_note = scheduled_for, note.strip()
        request.save()
        if chosen != current:
            request.visits.set(sorted(chosen))
        journal_record(
            acting_user=acting_user,
            action="interventions.request_schedule",
            obj=request,
            payload={
                "from": old,
                "scheduled_for": scheduled_for.isoformat() if scheduled_for else None,
                "visits_added": sorted(added),
                "visits_removed": sorted(current - chosen),
            },
        )
        _notify(request, "scheduled", to_team=False)
    return request


def intervention_mark_done(*, acting_user, request: InterventionRequest, done_on: datetime.date) -> InterventionRequest:
    if not permissions.can_mark_done(acting_user, request):
        raise PermissionDenied
    if done_on > timezone.localdate():
        raise ValidationError("La date de réalisation ne peut pas être dans le futur.")
    with transaction.atomic():
        _move(request, RequestStatus.DONE)
        request.done_on = done_on
        request.save()
        journal_record(
            acting_user=acting_user,
            action="interventions.request_done",
            obj=request,
            payload={"done_on": done_on.isoformat()},
        )
        _notify(request, "done", to_team=False)
    return request


def intervention_assess(
    *, acting_user, request: InterventionRequest, rating: int, text: str = ""
) -> InterventionRequest:
    """The requester rates the intervention (1–5); the coordination is told."""
    if not permissions.can_assess(acting_user, request):
        raise PermissionDenied
    if not 1 <= int(rating) <= 5:
        raise ValidationError("La note va de 1 à 5.")
    with transaction.atomic():
        _move(request, RequestStatus.ASSESSED)
        request.rating, request.assessment, request.assessed_at = int(rating), text.strip(), timezone.now()
        request.save()
        journal_record(
            acting_user=acting_user,
            action="interventions.request_assess",
            obj=request,
            payload={"rating": request.rating},
        )
        _notify(request, "assessed", to_team=True)
    return request


def intervention_withdraw(*, acting_user, request: InterventionRequest) -> InterventionRequest:
    if not permissions.can_withdraw(acting_user, request):
        raise PermissionDenied
    with transaction.atomic():
        old = _move(request, RequestStatus.WITHDRAWN)
        request.save()
        journal_record(
            acting_user=acting_user, action="interventions.request_withdraw", obj=request, payload={"from": old}
        )
        _notify(request, "withdrawn", to_team=True)
    return request


def intervention_comment(*, acting_user, request: InterventionRequest, body: str) -> Comment:
    """A comment seen by both sides; the other side is told by e-mail."""
    if not permissions.can_comment(acting_user, request):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError("Le commentaire est vide.")
    with transaction.atomic():
        comment = Comment.objects.create(request=request, author=acting_user, body=body[:5000])
        journal_record(
            acting_user=acting_user,
            action="interventions.request_comment",
            obj=request,
            payload={"comment": comment.pk},
        )
        from relais.accounts.enums import Role

        _notify(request, "commented", to_team=acting_user.role == Role.HR)
    return comment
