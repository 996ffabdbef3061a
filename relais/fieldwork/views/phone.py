"""Phone screens of field work. Writes go through `services`; rows through `visible_to`.

Forms posted from the phone carry an idempotency key; `outbox.js` posts them with `HX-Request` and swaps
the fragment returned, or keeps them on the phone while the network is away.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.agents.models import Agent
from relais.fieldwork import permissions, selectors, services
from relais.fieldwork.enums import DURATIONS, ActivityKind, Autonomy, Equipment, Level, Redirection, VisitStatus
from relais.fieldwork.forms import (
    ActivityForm,
    AddAgentForm,
    OutcomeForm,
    TopicForm,
    VisitCreateForm,
    VisitNotesForm,
    WalkInForm,
)
from relais.fieldwork.models import Activity, Participation, Visit
from relais.fieldwork.views.offline import offline_page
from relais.journal.models import Entry
from relais.knowledge import services as knowledge_services
from relais.knowledge.models import Topic
from relais.organisation.models import Direction


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _visit(request, public_id) -> Visit:
    visit = get_object_or_404(Visit.objects.visible_to(request.user).select_related("site"), public_id=public_id)
    if not permissions.can_view_visit(request.user, visit):
        raise Http404
    return visit


def _activity(request, public_id) -> Activity:
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("visit__site"), public_id=public_id
    )
    return activity


def _participation(request, public_id) -> Participation:
    return get_object_or_404(
        Participation.objects.visible_to(request.user).select_related("activity__visit__site", "agent", "direction"),
        public_id=public_id,
    )


def _failed(request, exc: ValidationError, fallback: str):
    """A refused write: the outbox shows the message (and drops the entry); a plain form comes back with it."""
    if request.htmx:
        return HttpResponse(_error_text(exc), status=422, content_type="text/plain; charset=utf-8")
    messages.error(request, _error_text(exc))
    return redirect(fallback)


def _key(form) -> uuid.UUID | None:
    return form.cleaned_data.get("idempotency_key") if form.is_valid() else None


def _choices_context() -> dict:
    return {
        "kinds": ActivityKind.choices,
        "levels": Level.choices,
        "durations": DURATIONS,
        "equipments": Equipment.choices,
        "autonomies": Autonomy.choices,
        "redirections": Redirection.choices,
    }


# --- The day ----------------------------------------------------------------------------------------------------


@require_GET
@offline_page
def my_day(request):
    if not permissions.can_record_fieldwork(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "fieldwork/my_day.html",
        {
            "today": today,
            "visits": selectors.my_day(user=request.user, day=today),
            "followups_count": selectors.open_followups(user=request.user).count(),
        },
    )


def visit_create(request):
    if not permissions.can_record_fieldwork(request.user):
        raise PermissionDenied
    form = VisitCreateForm(request.POST or None, user=request.user, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        mediators = form.cleaned_data["mediators"] if "mediators" in form.fields else [request.user]
        try:
            written = services.visit_create(
                acting_user=request.user,
                site=form.cleaned_data["site"],
                date=form.cleaned_data["date"],
                starts_at=form.cleaned_data["starts_at"],
                origin=form.cleaned_data["origin"],
                mediators=mediators,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("fieldwork:visit_detail", public_id=written.obj.public_id)
    return render(request, "fieldwork/visit_create.html", {"form": form})


@require_GET
def site_search(request):
    if not permissions.can_record_fieldwork(request.user):
        raise PermissionDenied
    sites = selectors.site_search(query=request.GET.get("q", ""))
    return render(request, "fieldwork/_site_results.html", {"sites": sites, "query": request.GET.get("q", "")})


# --- A visit ----------------------------------------------------------------------------------------------------


@require_GET
@offline_page
def visit_detail(request, public_id):
    visit = _visit(request, public_id)
    return render(
        request,
        "fieldwork/visit_detail.html",
        {
            "visit": visit,
            "activities": selectors.activities_of(visit, user=request.user),
            "can_edit": permissions.can_edit_visit(request.user, visit),
            "can_delete": permissions.can_delete_visit(request.user, visit),
            "notes_form": VisitNotesForm(initial={"notes": visit.notes}),
            "topics": Topic.objects.filter(is_active=True),
            "new_activity": NEW_ACTIVITY,
            **_choices_context(),
        },
    )


def _transition(request, public_id, service, done_message):
    visit = _visit(request, public_id)
    if not permissions.can_edit_visit(request.user, visit) and not (
        service is services.visit_start and permissions.can_record_outcome(request.user, visit)
    ):
        raise PermissionDenied
    form = AddAgentForm(request.POST)  # only its idempotency key is read
    key = form.fields["idempotency_key"].clean(request.POST.get("idempotency_key") or None)
    try:
        service(visit=visit, acting_user=request.user, idempotency_key=key)
    except ValidationError as exc:
        return _failed(request, exc, reverse("fieldwork:visit_detail", args=[visit.public_id]))
    messages.success(request, done_message)
    return redirect(request.POST.get("next") or reverse("fieldwork:visit_detail", args=[visit.public_id]))


@require_POST
def visit_start(request, public_id):
    return _transition(request, public_id, services.visit_start, "Déplacement commencé.")


@require_POST
def visit_close(request, public_id):
    response = _transition(request, public_id, services.visit_close, "Déplacement clos. Merci !")
    return response if response.status_code >= 400 else redirect("fieldwork:my_day")


@require_POST
def visit_cancel(request, public_id):
    return _transition(request, public_id, services.visit_cancel, "Déplacement annulé.")


@require_POST
def visit_delete(request, public_id):
    visit = _visit(request, public_id)
    if not permissions.can_delete_visit(request.user, visit):
        raise PermissionDenied
    services.visit_delete(visit=visit, acting_user=request.user)
    messages.success(request, "Déplacement supprimé.")
    return redirect("fieldwork:my_day")


@require_POST
def visit_notes(request, public_id):
    visit = _visit(request, public_id)
    if not permissions.can_record_outcome(request.user, visit):
        raise PermissionDenied
    form = VisitNotesForm(request.POST)
    if form.is_valid():
        services.visit_update(visit=visit, acting_user=request.user, notes=form.cleaned_data["notes"])
        messages.success(request, "Notes enregistrées.")
    else:
        messages.error(request, "Notes non enregistrées. " + " ".join(form.errors.get("notes", [])))
    return redirect("fieldwork:visit_detail", public_id=visit.public_id)


@require_GET
@offline_page
def visit_summary(request, public_id):
    visit = _visit(request, public_id)
    return render(
        request,
        "fieldwork/visit_summary.html",
        {
            "visit": visit,
            "summary": selectors.visit_summary(visit, user=request.user),
            "can_edit": permissions.can_edit_visit(request.user, visit),
        },
    )


@require_POST
def activity_add(request, public_id):
    visit = _visit(request, public_id)
    if not permissions.can_edit_visit(request.user, visit):
        raise PermissionDenied
    form = ActivityForm(request.POST)
    back = reverse("fieldwork:visit_detail", args=[visit.public_id])
    if not form.is_valid():
        return _failed(request, ValidationError("; ".join(_form_errors(form))), back)
    data = form.cleaned_data
    try:
        written = services.activity_add(
            visit=visit,
            acting_user=request.user,
            kind=data["kind"],
            title=data["title"],
            level=data["level"],
            duration_minutes=data["duration_minutes"],
            equipment=data["equipment"],
            topics=data["topics"],
            idempotency_key=data["idempotency_key"],
        )
    except ValidationError as exc:
        return _failed(request, exc, back)
    if visit.status == VisitStatus.PLANNED:
        services.visit_start(visit=visit, acting_user=request.user)
    return redirect("fieldwork:activity_detail", public_id=written.obj.public_id)


NEW_ACTIVITY = {
    "kind": ActivityKind.ONE_TO_ONE,
    "title": "",
    "level": "",
    "duration": 30,
    "custom_duration": "",
    "equipment": Equipment.PHONE,
    "topics": (),
}


def _form_errors(form) -> list[str]:
    """Each error of a form with the label of its field, in French, for a message or a list."""
    return [
        f"{form.fields[name].label if name in form.fields else ''} : {' '.join(errors)}".strip(" :")
        for name, errors in form.errors.items()
    ]


def _activity_values(activity: Activity) -> dict:
    duration = activity.duration_minutes
    return {
        "kind": activity.kind,
        "title": activity.title,
        "level": activity.level,
        "duration": duration if duration in DURATIONS else "custom",
        "custom_duration": "" if duration in DURATIONS else duration,
        "equipment": activity.equipment,
        "topics": {t.code for t in activity.topics.all()},
    }


def _readable_changes(entries) -> list[dict]:
    """Journal entries of an activity's edits, with French field names and labels instead of codes."""
    labels = {name: str(Activity._meta.get_field(name).verbose_name) for name in services.ACTIVITY_EDITABLE}
    labels["topics"] = "thèmes"
    displays = {"kind": dict(ActivityKind.choices), "level": dict(Level.choices), "equipment": dict(Equipment.choices)}
    rows = []
    for entry in entries:
        changes = []
        for name, (old, new) in (entry.payload.get("modifications") or {}).items():
            shown = displays.get(name, {})
            changes.append((labels.get(name, name), shown.get(old, old), shown.get(new, new)))
        rows.append({"at": entry.at, "acting_user": entry.acting_user, "changes": changes})
    return rows


def activity_update(request, public_id):
    """Correct an activity from the visit screen (type, title, level, duration, equipment, topics)."""
    activity = _activity(request, public_id)
    visit = activity.visit
    if not permissions.can_edit_visit(request.user, visit):
        raise PermissionDenied
    values, errors = _activity_values(activity), []
    if request.method == "POST":
        form = ActivityForm(request.POST, activity=activity)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changes = services.activity_update(
                    activity=activity,
                    acting_user=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    level=data["level"],
                    duration_minutes=data["duration_minutes"],
                    equipment=data["equipment"],
                    topics=data["topics"],
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, "Activité modifiée." if changes else "Rien n'a changé.")
                return redirect("fieldwork:visit_detail", public_id=visit.public_id)
        else:
            errors = _form_errors(form)
        # Show what was typed, not the stored values, next to the errors.
        values = {
            "kind": request.POST.get("kind", ""),
            "title": request.POST.get("title", ""),
            "level": request.POST.get("level", ""),
            "duration": int(d) if (d := request.POST.get("duration", "")).isdigit() else d,
            "custom_duration": request.POST.get("custom_duration", ""),
            "equipment": request.POST.get("equipment", ""),
            "topics": set(request.POST.getlist("topics")),
        }
    topics = Topic.objects.filter(Q(is_active=True) | Q(activities=activity)).distinct().order_by("position", "name")
    entries = Entry.objects.for_object(activity).filter(action="fieldwork.activity_update").order_by("-at", "-id")
    return render(
        request,
        "fieldwork/activity_edit.html",
        {
            "activity": activity,
            "visit": visit,
            "current": values,
            "errors": errors,
            "topics": topics,
            "entries": _readable_changes(entries.select_related("acting_user")[:20]),
            **_choices_context(),
        },
    )


# --- An activity and its participants --------------------------------------------------------------------------


def _activity_context(request, activity: Activity) -> dict:
    visit = activity.visit
    sheet = selectors.participants_of(activity, user=request.user)
    return {
        "activity": activity,
        "visit": visit,
        "participants": sheet,
        "hidden": sheet.hidden,
        "can_edit": permissions.can_edit_visit(request.user, visit),
        "can_record": permissions.can_record_outcome(request.user, visit),
        "tools": _app_tools(),
        **_choices_context(),
    }


def _app_tools():
    from relais.adoption.models import MAILBOX, Tool

    return list(Tool.objects.filter(is_active=True).exclude(code=MAILBOX).order_by("position"))


@require_GET
@offline_page
def activity_detail(request, public_id):
    activity = _activity(request, public_id)
    context = _activity_context(request, activity)
    context["walkin_form"] = WalkInForm(
        initial={"direction": activity.visit.site.direction.code if activity.visit.site.direction_id else None}
    )
    context["directions"] = Direction.objects.order_by("code")
    return render(request, "fieldwork/activity_detail.html", context)


@require_GET
def participants_fragment(request, public_id):
    """The sheet alone. `?compact=1`: polled every 2 s by the QR page, which sends the version it shows (`v`); an
    unchanged sheet answers 204 (nothing is swapped, nothing re-announced) instead of the whole sheet again."""
    activity = _activity(request, public_id)
    if not request.GET.get("compact"):
        return render(request, "fieldwork/_participants.html", _activity_context(request, activity))
    version = selectors.sheet_version(activity)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    return render(request, "fieldwork/_sheet_poll.html", {**_activity_context(request, activity), "version": version})


@require_POST
def activity_delete(request, public_id):
    activity = _activity(request, public_id)
    if not permissions.can_edit_visit(request.user, activity.visit):
        raise PermissionDenied
    services.activity_delete(activity=activity, acting_user=request.user)
    messages.success(request, "Activité supprimée.")
    return redirect("fieldwork:visit_detail", public_id=activity.visit.public_id)


@require_GET
def participant_search(request, public_id):
    activity = _activity(request, public_id)
    if not permissions.can_edit_visit(request.user, activity.visit):
        raise PermissionDenied
    query = request.GET.get("q", "")
    present = activity.participations.filter(deleted_at__isnull=True, agent__isnull=False).values_list(
        "agent_id", flat=True
    )
    hits = selectors.agent_search(user=request.user, query=query, site=activity.visit.site, exclude_ids=list(present))
    return render(request, "fieldwork/_search_results.html", {"hits": hits, "query": query, "activity": activity})


@require_POST
def participant_add(request, public_id):
    activity = _activity(request, public_id)
    if not permissions.can_edit_visit(request.user, activity.visit):
        raise PermissionDenied
    back = reverse("fieldwork:activity_detail", args=[activity.public_id])
    if "agent" in request.POST:
        form = AddAgentForm(request.POST)
        if not form.is_valid():
            return _failed(request, ValidationError("Agent introuvable."), back)
        agent = Agent.objects.visible_to(request.user).filter(public_id=form.cleaned_data["agent"]).first()
        if agent is None:
            return _failed(request, ValidationError("Agent introuvable."), back)
        kwargs = {"agent": agent}
    else:
        form = WalkInForm(request.POST)
        if not form.is_valid():
            return _failed(request, ValidationError(" ".join(e for errs in form.errors.values() for e in errs)), back)
        kwargs = {
            "direction": form.cleaned_data["direction"],
            "category": form.cleaned_data["category"],
            "walk_in_label": form.cleaned_data["walk_in_label"],
        }
    try:
        written = services.participant_add(
            activity=activity, acting_user=request.user, idempotency_key=_key(form), **kwargs
        )
    except ValidationError as exc:
        return _failed(request, exc, back)
    if not request.htmx:
        return redirect(back)
    # Only what changed (issue 16 §5): the new row and the counter, not the whole sheet again (1.8 MB at 165 rows).
    row = selectors.sheet_rows(activity, user=request.user).filter(pk=written.obj.pk).first()
    count, hidden = selectors.sheet_counts(activity, user=request.user)
    can_record = permissions.can_record_outcome(request.user, activity.visit)
    context = {"p": row, "count": count, "hidden": hidden, "activity": activity, "tools": _app_tools(),
               "can_record": can_record, **_choices_context()}  # fmt: skip
    return render(request, "fieldwork/_sheet_added.html", context)


@require_POST
def outcome_record(request, public_id):
    participation = _participation(request, public_id)
    activity = participation.activity
    if not permissions.can_record_outcome(request.user, activity.visit):
        raise PermissionDenied
    back = reverse("fieldwork:activity_detail", args=[activity.public_id])
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _failed(request, ValidationError("Saisie incomprise."), back)
    try:
        services.outcome_record(
            participation=participation,
            acting_user=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
            **form.outcomes(),
        )
    except ValidationError as exc:
        return _failed(request, exc, back)
    if request.htmx:
        fresh = (
            Participation.objects.select_related("agent", "direction")
            .prefetch_related("apps_installed")
            .get(pk=participation.pk)
        )
        context = {"p": fresh, "can_record": True, "tools": _app_tools(), **_choices_context()}
        return render(request, "fieldwork/_participant.html", context)
    return redirect(back)


@require_POST
def participant_delete(request, public_id):
    participation = _participation(request, public_id)
    activity = participation.activity
    if not permissions.can_record_outcome(request.user, activity.visit):
        raise PermissionDenied
    key = OutcomeForm.base_fields["idempotency_key"].clean(request.POST.get("idempotency_key") or None)
    services.participant_delete(participation=participation, acting_user=request.user, idempotency_key=key)
    if not request.htmx:
        return redirect("fieldwork:activity_detail", public_id=activity.public_id)
    # As for an add: only what changed, the row withdrawn and the counter (outbox.js `swap`).
    count, hidden = selectors.sheet_counts(activity, user=request.user)
    context = {"removed": participation, "count": count, "hidden": hidden}
    return render(request, "fieldwork/_sheet_removed.html", context)


def walkin_match(request, public_id):
    participation = _participation(request, public_id)
    if not participation.is_walk_in or not permissions.can_record_outcome(request.user, participation.activity.visit):
        raise PermissionDenied
    hits = []
    query = request.GET.get("q", "")
    if query:
        hits = selectors.agent_search(user=request.user, query=query, site=participation.activity.visit.site)
    if request.method == "POST":
        agent = get_object_or_404(Agent.objects.visible_to(request.user), public_id=request.POST.get("agent"))
        try:
            services.walkin_match(participation=participation, agent=agent, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"Rattaché à {agent.display_name}.")
            return redirect("fieldwork:activity_detail", public_id=participation.activity.public_id)
    return render(request, "fieldwork/walkin_match.html", {"p": participation, "hits": hits, "query": query})


@require_GET
def participation_history(request, public_id):
    participation = _participation(request, public_id)
    entries = Entry.objects.for_object(participation).order_by("at", "id")
    return render(request, "fieldwork/history.html", {"p": participation, "entries": entries})


# --- Follow-ups ---------------------------------------------------------------------------------------------------


@require_GET
def followup_list(request):
    if not permissions.can_record_fieldwork(request.user):
        raise PermissionDenied
    return render(request, "fieldwork/followups.html", {"followups": selectors.open_followups(user=request.user)})


@require_POST
def followup_close(request, public_id):
    participation = _participation(request, public_id)
    if not permissions.can_record_outcome(request.user, participation.activity.visit):
        raise PermissionDenied
    key = OutcomeForm.base_fields["idempotency_key"].clean(request.POST.get("idempotency_key") or None)
    try:
        services.followup_close(participation=participation, acting_user=request.user, idempotency_key=key)
    except ValidationError as exc:
        return _failed(request, exc, reverse("fieldwork:followup_list"))
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Suivi noté comme fait.")
    return redirect("fieldwork:followup_list")


# --- Topic catalogue ----------------------------------------------------------------------------------------------


def topic_list(request):
    if not permissions.can_manage_topics(request.user):
        raise PermissionDenied
    form = TopicForm(request.POST or None)
    if request.method == "POST":
        topic = None
        if request.POST.get("topic"):
            topic = get_object_or_404(Topic, code=request.POST["topic"])
        if form.is_valid():
            try:
                knowledge_services.topic_save(
                    acting_user=request.user,
                    topic=topic,
                    name=form.cleaned_data["name"],
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, "Catalogue des thèmes enregistré.")
                return redirect("fieldwork:topic_list")
    return render(request, "fieldwork/topics.html", {"form": form, "topics": Topic.objects.all()})
