import datetime
import math
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Visit
from relais.organisation.models import Site
from relais.planning import forecast, ical, services
from relais.planning.enums import RunStatus
from relais.planning.forms import ForecastForm, MoveForm, WeekForm, WeightsForm
from relais.planning.map import week_map
from relais.planning.models import CalendarFeed, Plan, PlannedVisit, PlanRun, PriorityWeights
from relais.planning.permissions import can_plan, can_view_forecast, can_view_own_visits, can_view_site_priority
from relais.planning.scoring import campaign_tool, site_scores
from relais.planning.selectors import mediators_queryset, next_week, parse_week, site_windows
from relais.team.services import team_growth

DAY_NAMES = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"]


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _week_from(request) -> datetime.date:
    text = request.GET.get("semaine") or request.POST.get("semaine")
    if not text:
        return next_week()
    try:
        return parse_week(text)
    except ValidationError:
        messages.error(request, f"Semaine « {text} » invalide : attendu AAAA-Wnn, par exemple 2026-W49.")
        return next_week()


def _iso(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week(request):
    _require(can_plan(request.user))
    week_start = _week_from(request)
    plan = Plan.objects.visible_to(request.user).filter(week_start=week_start).order_by("-created_at").first()
    visits = list(plan.visits.select_related("site", "mediator")) if plan else []
    mediators = list(mediators_queryset())
    days = [week_start + datetime.timedelta(days=d) for d in range(5)]
    by_cell = defaultdict(list)
    for v in visits:
        by_cell[(v.mediator_id, v.date)].append(v)
    rows = [
        {"mediator": m, "cells": [by_cell.get((m.pk, d), []) for d in days]}
        for m in mediators
        if any(by_cell.get((m.pk, d)) for d in days) or not visits
    ]
    day = request.GET.get("jour")
    map_day = days[int(day)] if day and day.isdigit() and int(day) < 5 else None
    map_visits = [v for v in visits if map_day is None or v.date == map_day]
    context = {
        "plan": plan,
        "week_start": week_start,
        "iso_week": _iso(week_start),
        "previous_week": _iso(week_start - datetime.timedelta(days=7)),
        "following_week": _iso(week_start + datetime.timedelta(days=7)),
        "days": [{"date": d, "name": DAY_NAMES[i], "index": i} for i, d in enumerate(days)],
        "rows": rows,
        "visit_count": len(visits),
        "map": week_map(map_visits, mediators),
        "map_day": map_day,
        "problems": services.plan_problems(plan) if plan else [],
        "unconfirmed": sum(1 for v in visits if not v.is_confirmed),
        "team_size": len(mediators),
        "running": PlanRun.objects.visible_to(request.user)
        .filter(week_start=week_start, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .first(),
        "ratio": round(100 * plan.agents_reached / plan.upper_bound) if plan and plan.upper_bound else None,
        "gain": round(100 * (plan.agents_reached / plan.greedy_agents - 1)) if plan and plan.greedy_agents else None,
    }
    return render(request, "planning/week.html", context)


@require_POST
def generate(request):
    _require(can_plan(request.user))
    form = WeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs) or "Indiquez une semaine.")
        return redirect("planning:plan_week")
    try:
        week_start = parse_week(form.cleaned_data["semaine"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("planning:plan_week")
    # The plan and its bound take longer than a web request may last: the worker computes them.
    run = services.plan_run_start(
        acting_user=request.user, week_start=week_start, mediators=form.cleaned_data.get("mediators")
    )
    return redirect("planning:run_detail", public_id=run.public_id)


def _run(request, public_id) -> PlanRun:
    _require(can_plan(request.user))
    return get_object_or_404(PlanRun.objects.visible_to(request.user).select_related("plan"), public_id=public_id)


def run_detail(request, public_id):
    run = _run(request, public_id)
    return render(request, "planning/run.html", {"run": run})


def run_progress(request, public_id):
    run = _run(request, public_id)
    response = render(request, "planning/run.html#progress", {"run": run})
    if not run.is_in_progress:
        response["HX-Refresh"] = "true"  # the whole page then shows the result
    return response


@require_POST
def confirm(request, public_id):
    _require(can_plan(request.user))
    plan = get_object_or_404(Plan.objects.visible_to(request.user), public_id=public_id)
    created = services.plan_confirm(acting_user=request.user, plan=plan)
    messages.success(request, f"Planning confirmé : {created} déplacements prévus créés dans le suivi terrain.")
    return redirect(f"{reverse('planning:plan_week')}?semaine={plan.iso_week}")


def visit_edit(request, public_id):
    _require(can_plan(request.user))
    visit = get_object_or_404(
        PlannedVisit.objects.visible_to(request.user).select_related("plan", "site"), public_id=public_id
    )
    initial = {"mediator": visit.mediator, "date": visit.date, "starts_at": visit.starts_at}
    form = MoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.planned_visit_move(acting_user=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Visite déplacée et verrouillée : {visit.site}.")
            return redirect(f"{reverse('planning:plan_week')}?semaine={visit.plan.iso_week}")
    windows = site_windows([visit.site_id]).get(visit.site_id, {})
    window_text = [
        f"{DAY_NAMES[d]} : " + ", ".join(f"{o // 60:02d}:{o % 60:02d}–{c // 60:02d}:{c % 60:02d}" for o, c in ws)
        for d, ws in sorted(windows.items())
        if d < 5
    ]
    return render(request, "planning/visit_edit.html", {"visit": visit, "form": form, "windows": window_text})


@require_POST
def visit_lock(request, public_id):
    _require(can_plan(request.user))
    visit = get_object_or_404(PlannedVisit.objects.visible_to(request.user).select_related("plan"), public_id=public_id)
    try:
        services.planned_visit_lock(acting_user=request.user, visit=visit, locked=request.POST.get("locked") == "1")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(f"{reverse('planning:plan_week')}?semaine={visit.plan.iso_week}")


def site_priority(request, public_id):
    _require(can_view_site_priority(request.user))
    site = get_object_or_404(Site.objects.visible_to(request.user), public_id=public_id)
    weights = PriorityWeights.current()
    score = site_scores(site_ids=[site.pk], weights=weights).get(site.pk)
    windows = site_windows([site.pk]).get(site.pk, {})
    window_text = [
        f"{DAY_NAMES[d] if d < 5 else ('Samedi', 'Dimanche')[d - 5]} : "
        + ", ".join(f"{o // 60:02d}:{o % 60:02d}–{c // 60:02d}:{c % 60:02d}" for o, c in ws)
        for d, ws in sorted(windows.items())
    ]
    reach = min(score.without_account, weights.session_capacity) if score else 0
    context = {
        "site": site,
        "score": score,
        "tool": campaign_tool(weights),
        "weights": weights,
        "windows": window_text,
        "reach": reach,
        "can_edit_weights": can_plan(request.user),
    }
    return render(request, "planning/site_detail.html", context)


def weights_edit(request):
    _require(can_plan(request.user))
    weights = PriorityWeights.current()
    form = WeightsForm(request.POST or None, instance=weights)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in WeightsForm.Meta.fields}
        services.weights_update(acting_user=request.user, **fields)
        messages.success(request, "Pondérations enregistrées.")
        return redirect("planning:weights_edit")
    return render(request, "planning/weights.html", {"form": form})


def forecast_page(request):
    _require(can_view_forecast(request.user))
    directions = forecast.activation_by_direction()
    form = ForecastForm(request.GET or None, directions=[d for d, _, _ in directions])
    pace = forecast.current_pace()
    result = None
    if form.is_valid() and pace is not None:
        code = form.cleaned_data["direction"]
        if code:
            total, activated = next((t, a) for d, t, a in directions if d == code)
        else:
            total, activated = sum(t for _, t, _ in directions), sum(a for _, _, a in directions)
        pop = forecast.Population(total, activated)
        today = datetime.date.today()
        share = form.cleaned_data["target"] / 100
        result = {
            "population": pop,
            "share_now": round(100 * pop.share, 1),
            "date": forecast.target_date(
                population=pop,
                target_share=share,
                mediators=form.cleaned_data["mediators"],
                pace=pace.per_mediator_week,
                start=today,
            ),
            "needed": forecast.mediators_needed(
                population=pop,
                target_share=share,
                deadline=form.cleaned_data["deadline"],
                pace=pace.per_mediator_week,
                start=today,
            ),
            "missing": max(0, math.ceil(share * pop.total) - pop.activated),
        }
        growth = team_growth(start=today, weeks=104)
        if any(w.capacity != growth[0].capacity for w in growth):  # recruits are coming: the real path
            result["growth"] = {
                "now": growth[0],
                "peak": max(growth, key=lambda w: w.headcount),
                "date": forecast.target_date_with_growth(
                    population=pop,
                    target_share=share,
                    capacities=[w.capacity for w in growth],
                    pace=pace.per_mediator_week,
                    start=today,
                ),
            }
    return render(request, "planning/forecast.html", {"form": form, "pace": pace, "result": result})


def my_visits(request):
    _require(can_view_own_visits(request.user))
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    visits = (
        PlannedVisit.objects.visible_to(request.user)
        .filter(date__gte=monday, date__lt=monday + datetime.timedelta(days=14))
        .select_related("site", "plan")
    )
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    feed_url = request.build_absolute_uri(reverse("planning:calendar_feed", args=[feed.token])) if feed else None
    return render(request, "planning/my_visits.html", {"visits": visits, "feed_url": feed_url})


@require_POST
def feed_manage(request):
    _require(can_view_own_visits(request.user))
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(acting_user=request.user, user=request.user)
        messages.success(request, "L'adresse de votre agenda ne fonctionne plus.")
    else:
        services.calendar_feed_issue(acting_user=request.user, user=request.user)
        messages.success(request, "Nouvelle adresse d'agenda créée ; l'ancienne ne fonctionne plus.")
    return redirect("planning:my_visits")


@login_not_required
def calendar_feed(request, token: str):
    """The mediator's field-work visits as iCalendar; the token is the only key (calendar apps send no login)."""
    feed = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404

    since = timezone.localdate() - datetime.timedelta(days=30)
    visits = Visit.objects.alive().of_mediator(feed.user).filter(date__gte=since, starts_at__isnull=False)
    events = []
    for v in visits.select_related("site"):
        end = v.ends_at or (datetime.datetime.combine(v.date, v.starts_at) + datetime.timedelta(minutes=45)).time()
        events.append(
            {
                "uid": f"{v.public_id}@relais",
                "date": v.date,
                "starts_at": v.starts_at,
                "ends_at": end,
                "summary": f"Visite : {v.site.name}",
                "location": ", ".join(p for p in (v.site.address, v.site.postcode, v.site.city) if p),
                "description": f"Déplacement {v.get_origin_display().lower()} · {v.get_status_display()}",
                "status": "CANCELLED" if v.status == VisitStatus.CANCELLED else "CONFIRMED",
            }
        )
    body = ical.calendar(name=f"Relais · {feed.user.get_full_name() or feed.user}", events=events, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="relais.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
