"""Intervention requests: the list per direction (the coordination's triage queue), the form, the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.interventions import permissions, selectors, services
from relais.interventions.enums import RequestStatus
from relais.interventions.forms import (
    AssessForm,
    CommentForm,
    DecisionForm,
    DoneForm,
    ListFilterForm,
    RequestForm,
    ScheduleForm,
)
from relais.interventions.models import InterventionRequest


def _get(request, public_id) -> InterventionRequest:
    try:
        return (
            InterventionRequest.objects.visible_to(request.user)
            .select_related("direction", "requested_by", "on_behalf_of", "decided_by")
            .get(public_id=public_id)
        )
    except InterventionRequest.DoesNotExist as exc:
        raise Http404 from exc


def request_list(request):
    """Requests the user may see; submitted ones first (the coordination's triage queue)."""
    form = ListFilterForm(request.GET or None, user=request.user)
    qs = InterventionRequest.objects.visible_to(request.user).select_related("direction", "requested_by")
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["direction"]:
            qs = qs.filter(direction=form.cleaned_data["direction"])
    qs = qs.annotate(
        to_triage=Case(
            When(status=RequestStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("to_triage", "-created_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "interventions/request_list.html",
        {"form": form, "page": page, "can_request": permissions.can_request_intervention(request.user)},
    )


def request_create(request):
    if not permissions.can_request_intervention(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.intervention_submit(
                acting_user=request.user,
                direction=data["direction"],
                title=data["title"],
                goal=data["goal"],
                topics=list(data["topics"]),
                sites=list(data["sites"]),
                services=list(data["services"]),
                categories=data["categories"],
                agents=data["agents"],
                population_note=data["population_note"],
                desired_start=data["desired_start"],
                desired_end=data["desired_end"],
                constraints=data["constraints"],
                on_behalf_of=data.get("on_behalf_of"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Demande envoyée à la coordination.")
            return redirect("interventions:request_detail", created.public_id)
    return render(request, "interventions/request_form.html", {"form": form})


def _findings_assessment(user, item):
    """A request made from HR data-reliability findings: its HR managers' open findings then and now.

    The one read of an area above this one (docs/architecture.md): findings make requests, and the request's
    assessment is where a directorate looks for their effect."""
    from relais.findings.selectors import request_assessment

    return request_assessment(user=user, request=item)


def request_detail(request, public_id):
    item = _get(request, public_id)
    user = request.user
    visits, hidden_visits = selectors.linked_visits(item, user=user)
    progress = selectors.schedule_progress(item)
    context = {
        "item": item,
        "topics": list(item.topics.all()),
        "sites": list(item.sites.all()),
        "services": list(item.services.all()),
        "agents_listed": item.agents.count(),
        "population_size": selectors.population(item).count(),
        "assessments": selectors.before_after(item),
        "findings": _findings_assessment(user, item),
        "comments": list(item.comments.select_related("author")),
        "can_triage": permissions.can_triage(user, item),
        "can_schedule": permissions.can_schedule(user, item),
        "can_mark_done": permissions.can_mark_done(user, item),
        "can_assess": permissions.can_assess(user, item),
        "can_withdraw": permissions.can_withdraw(user, item),
        "can_comment": permissions.can_comment(user, item),
        "decision_form": DecisionForm(),
        "schedule_form": ScheduleForm(
            initial={
                "visits": [v.pk for v in visits],
                "scheduled_for": item.scheduled_for,
                "note": item.schedule_note,
            },
            request=item,
            user=user,
        )
        if permissions.can_schedule(user, item)
        else None,
        "visits": visits,
        "hidden_visits": hidden_visits,
        "progress": progress,
        "done_form": DoneForm(
            initial={"done_on": progress.last_done_on if progress.all_done else timezone.localdate()}
        ),
        "assess_form": AssessForm(),
        "comment_form": CommentForm(),
    }
    return render(request, "interventions/request_detail.html", context)


def _act(request, item, action):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("interventions:request_detail", item.public_id)


@require_POST
def request_decide(request, public_id):
    item = _get(request, public_id)
    if not permissions.can_triage(request.user, item):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    reason = form.cleaned_data.get("reason", "")
    return _act(
        request,
        item,
        lambda: services.intervention_decide(acting_user=request.user, request=item, accept=accept, reason=reason),
    )


@require_POST
def request_schedule(request, public_id):
    item = _get(request, public_id)
    if not permissions.can_schedule(request.user, item):
        raise PermissionDenied
    form = ScheduleForm(request.POST, request=item, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("interventions:request_detail", item.public_id)
    return _act(
        request,
        item,
        lambda: services.intervention_schedule(
            acting_user=request.user,
            request=item,
            scheduled_for=form.cleaned_data["scheduled_for"],
            note=form.cleaned_data["note"],
            visits=list(form.cleaned_data["visits"]),
        ),
    )


@require_POST
def request_done(request, public_id):
    item = _get(request, public_id)
    if not permissions.can_mark_done(request.user, item):
        raise PermissionDenied
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de réalisation.")
        return redirect("interventions:request_detail", item.public_id)
    return _act(
        request,
        item,
        lambda: services.intervention_mark_done(
            acting_user=request.user, request=item, done_on=form.cleaned_data["done_on"]
        ),
    )


@require_POST
def request_assess(request, public_id):
    item = _get(request, public_id)
    if not permissions.can_assess(request.user, item):
        raise PermissionDenied
    form = AssessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une note de 1 à 5.")
        return redirect("interventions:request_detail", item.public_id)
    return _act(
        request,
        item,
        lambda: services.intervention_assess(
            acting_user=request.user, request=item, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"]
        ),
    )


@require_POST
def request_withdraw(request, public_id):
    item = _get(request, public_id)
    if not permissions.can_withdraw(request.user, item):
        raise PermissionDenied
    return _act(request, item, lambda: services.intervention_withdraw(acting_user=request.user, request=item))


@require_POST
def request_comment(request, public_id):
    item = _get(request, public_id)
    if not permissions.can_comment(request.user, item):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Le commentaire est vide ou trop long.")
        return redirect("interventions:request_detail", item.public_id)
    return _act(
        request,
        item,
        lambda: services.intervention_comment(acting_user=request.user, request=item, body=form.cleaned_data["body"]),
    )
