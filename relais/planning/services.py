"""Writes of the planning area: drawing a week, adjusting it, confirming it, weights, calendar feeds."""

import datetime
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.enums import Role
from relais.fieldwork.enums import VisitOrigin
from relais.fieldwork.models import Visit
from relais.fieldwork.services import visit_create
from relais.journal.services import journal_record
from relais.planning import baseline, solver, validate
from relais.planning.enums import PlanStatus, RunStatus
from relais.planning.models import CalendarFeed, Plan, PlannedVisit, PlanRun, PriorityWeights
from relais.planning.selectors import (
    Reinforcement,
    as_time,
    build_week,
    mediators_queryset,
    minutes,
    site_windows,
    team_for,
    week_mediator_days,
)


@dataclass
class Outcome:
    """Figures of one drawing of a week, for the page, the command and the bench."""

    week: object  # selectors.Week
    plan: solver.Plan
    greedy: solver.Plan  # the issue's baseline: nearest high-priority site first
    ratio_greedy: solver.Plan  # a stronger reference: most agents per minute
    upper_bound: int | None
    problems: list[str]
    bound_detail: dict | None = None  # baseline.Bound.as_dict(): each bound, rounds, seconds

    @property
    def reinforcements(self) -> int:
        return sum(isinstance(u, Reinforcement) for u in self.week.mediators.values())

    def summary(self) -> dict:
        ub, reached, greedy, ratio = self.upper_bound, self.plan.agents, self.greedy.agents, self.ratio_greedy.agents
        return {
            "agents_reached": reached,
            "visits": self.plan.visits,
            "upper_bound": ub,
            "greedy_agents": greedy,
            "greedy_visits": self.greedy.visits,
            "greedy_method": "site prioritaire le plus proche d'abord (référence de l'issue 7)",
            "ratio_greedy_agents": ratio,
            "ratio_greedy_visits": self.ratio_greedy.visits,
            "ratio_greedy_method": "glouton au ratio (le plus d'agents par minute)",
            "upper_bound_detail": self.bound_detail,
            "ratio_to_upper_bound": round(reached / ub, 4) if ub else None,
            "gain_over_greedy": round(reached / greedy - 1, 4) if greedy else None,
            "gain_over_ratio_greedy": round(reached / ratio - 1, 4) if ratio else None,
            "solve_seconds": round(self.plan.seconds, 2),
            "mediators": len(self.week.mediators),
            "reinforcements": self.reinforcements,
            "mediator_days": len(self.week.instance.mediator_days),
            "candidate_sites": len(self.week.instance.sites),
            "fixed_visits": len(self.week.instance.fixed),
            "feasible": not self.problems,
            "problems": self.problems,
        }


def draw_week(
    week_start: datetime.date,
    *,
    time_limit: float,
    mediators=None,
    fixed_planned=(),
    with_bound: bool = True,
    seed: int = 1,
    bound_time_limit: float | None = None,
    progress=None,
) -> Outcome:
    """Solve a week without writing anything: the plan, both greedy references and the upper bound.

    `time_limit` covers everything the plan needs: building the instance, the greedy plans and the search.
    The bound is computed afterwards, with its own budget (`bound_time_limit`, default the same).
    """
    progress = progress or (lambda phase, percent: None)
    began = time.perf_counter()
    progress("Préparation de la semaine (sites, fenêtres, médiateurs)", 5)
    week = build_week(week_start, mediators=mediators, fixed_planned=list(fixed_planned))
    nearest = baseline.greedy_nearest(week.instance)
    ratio = baseline.greedy_ratio(week.instance)
    start = max((ratio, nearest), key=lambda p: p.agents)
    progress("Recherche du meilleur planning", 20)
    # Half a second kept for handing the routes over and checking them.
    remaining = max(time_limit - (time.perf_counter() - began) - 0.5, 0.5)
    plan = solver.solve(week.instance, time_limit=remaining, seed=seed, warm_start=start)
    if plan.agents < start.agents:  # never propose less than a simple method
        plan = solver.Plan(start.routes, start.method, plan.seconds, plan.notes)
    plan.seconds = time.perf_counter() - began
    found = None
    if with_bound:
        progress("Calcul du mieux possible cette semaine", 70)
        found = baseline.bound(
            week.instance, time_limit=time_limit if bound_time_limit is None else bound_time_limit, start=plan
        )
    return Outcome(
        week,
        plan,
        nearest,
        ratio,
        found.value if found else None,
        validate.problems(week.instance, plan),
        found.as_dict() if found else None,
    )


@transaction.atomic
def plan_draw(
    *,
    acting_user,
    week_start: datetime.date,
    time_limit: float = 10.0,
    mediators=None,
    with_bound: bool = True,
    plan: Plan | None = None,
    bound_time_limit: float | None = None,
    progress=None,
) -> tuple[Plan, Outcome]:
    """Draw (or re-draw) the week's plan; locked and confirmed visits are kept as they are.

    Rules: each site at most once a week; sessions inside the sites' windows and the mediators'
    availability; the plan is checked by the independent validator and any problem is kept in its notes.
    """
    if mediators is not None and any(isinstance(m, Reinforcement) for m in mediators):
        # A what-if is a figure, not a plan: its hypothetical mediators must never become rows.
        raise ValidationError("Un planning avec des renforts hypothétiques ne s'enregistre pas.")
    if plan is None:
        plan = Plan.objects.filter(week_start=week_start).order_by("-created_at").first()
    if plan is None:
        plan = Plan.objects.create(week_start=week_start, created_by=acting_user)
    kept = list(plan.visits.filter(locked=True) | plan.visits.filter(fieldwork_visit__isnull=False))
    outcome = draw_week(
        week_start,
        time_limit=time_limit,
        mediators=mediators,
        fixed_planned=kept,
        with_bound=with_bound,
        bound_time_limit=bound_time_limit,
        progress=progress,
    )
    week = outcome.week
    plan.visits.filter(locked=False, fieldwork_visit__isnull=True).delete()
    kept_keys = {(str(v.site_id), v.date) for v in plan.visits.all()}
    fieldwork_visits = _fieldwork_visits_of_week(week_start)
    new_rows = []
    for route, stop in outcome.plan.stops():
        date = week.date(route.day)
        if (stop.site, date) in kept_keys:
            continue
        site = week.sites[stop.site]
        linked = fieldwork_visits.get((site.pk, date)) if stop.fixed else None
        if linked is not None and hasattr(linked, "planned_visit"):
            continue
        new_rows.append(
            PlannedVisit(
                plan=plan,
                site=site,
                mediator=week.mediators[route.mediator],
                date=date,
                starts_at=as_time(stop.start),
                ends_at=as_time(stop.end),
                expected_agents=stop.agents,
                locked=stop.fixed,
                fieldwork_visit=linked,
            )
        )
    PlannedVisit.objects.bulk_create(new_rows)
    summary = outcome.summary()
    plan.status = PlanStatus.DRAFT if plan.visits.filter(fieldwork_visit__isnull=True).exists() else plan.status
    plan.session_minutes = week.instance.session_minutes
    plan.session_capacity = week.instance.session_capacity
    plan.agents_reached = summary["agents_reached"]
    plan.upper_bound = summary["upper_bound"]
    plan.greedy_agents = summary["greedy_agents"]
    plan.ratio_greedy_agents = summary["ratio_greedy_agents"]
    plan.solve_seconds = summary["solve_seconds"]
    plan.notes = week.skipped_days + outcome.plan.notes + outcome.problems
    plan.save()
    journal_record(
        acting_user=acting_user,
        action="planning.plan_draw",
        obj=plan,
        payload={
            k: summary[k]
            for k in ("agents_reached", "visits", "upper_bound", "greedy_agents", "ratio_greedy_agents", "fixed_visits")
        },
    )
    return plan, outcome


@transaction.atomic
def plan_run_start(*, acting_user, week_start: datetime.date, mediators: int | None = None) -> PlanRun:
    """Queue the drawing of a week (or a what-if with `mediators` above the team) for the worker."""
    from relais.planning.tasks import plan_run_process

    if mediators is not None and mediators < 1:
        raise ValidationError("Nombre de médiateurs : au moins 1.")
    run = PlanRun.objects.create(week_start=week_start, mediators=mediators, created_by=acting_user, phase="En attente")
    journal_record(
        acting_user=acting_user,
        action="planning.run_start",
        obj=run,
        payload={"semaine": run.iso_week, "médiateurs": mediators},
    )
    transaction.on_commit(lambda: plan_run_process.enqueue(run.pk))
    return run


def plan_run_execute(*, run: PlanRun, time_limit: float | None = None) -> PlanRun:
    """Compute the run: the week's plan saved as a draft, or, for a what-if, only its figures.

    A what-if (more mediators than the team) is never saved as a plan: reinforcements are not people.
    """
    from django.conf import settings

    limit = time_limit or getattr(settings, "RELAIS_PLANNING_TIME_LIMIT", 20)

    def progress(phase: str, percent: int):
        PlanRun.objects.filter(pk=run.pk).update(phase=phase, progress_percent=percent, status=RunStatus.RUNNING)

    progress("Démarrage", 1)
    team, reinforcements = team_for(run.mediators)
    if reinforcements:
        outcome = draw_week(run.week_start, time_limit=limit, mediators=team, progress=progress)
        plan = None
    else:
        plan, outcome = plan_draw(
            acting_user=run.created_by,
            week_start=run.week_start,
            time_limit=limit,
            mediators=team if run.mediators else None,
            progress=progress,
        )
    run.refresh_from_db()
    run.result = outcome.summary()
    run.plan = plan
    run.status, run.phase, run.progress_percent = RunStatus.DONE, "Terminé", 100
    run.save()
    return run


def _fieldwork_visits_of_week(week_start: datetime.date) -> dict:

    end = week_start + datetime.timedelta(days=6)
    return {(v.site_id, v.date): v for v in Visit.objects.alive().filter(date__gte=week_start, date__lte=end)}


def plan_problems(plan: Plan) -> list[str]:
    """What the validator finds in the plan as it stands now (after moves), in plain words."""
    visits = list(plan.visits.select_related("site", "mediator"))
    if not visits:
        return []
    mediator_days, _ = week_mediator_days(plan.week_start, list(mediators_queryset()))
    sites = {v.site for v in visits if v.site.latitude is not None}
    windows = site_windows([s.pk for s in sites])
    judged = solver.Instance(
        [
            solver.SiteOption(str(s.pk), s.name, (s.latitude, s.longitude), plan.session_capacity, windows[s.pk])
            for s in sites
        ],
        mediator_days,
        session_minutes=plan.session_minutes,
        session_capacity=plan.session_capacity,
    )
    routes: dict[tuple[str, int], solver.Route] = {}
    for v in visits:
        day = (v.date - plan.week_start).days
        route = routes.setdefault((str(v.mediator_id), day), solver.Route(str(v.mediator_id), day))
        # Confirmed visits are facts agreed with the site: their window is not questioned.
        route.stops.append(
            solver.Stop(str(v.site_id), minutes(v.starts_at), minutes(v.ends_at), 0, fixed=v.is_confirmed)
        )
    names = {str(v.site_id): v.site.name for v in visits} | {str(v.mediator_id): str(v.mediator) for v in visits}
    out = []
    for line in validate.problems(judged, solver.Plan(list(routes.values()), "manual")):
        for key, name in names.items():
            line = (
                line.replace(f"site {key}:", f"{name} :")
                .replace(f"{key} jour", f"{name}, jour")
                .replace(f" {key}:", f" {name} :")
            )
        out.append(line)
    return out


@transaction.atomic
def planned_visit_move(
    *, acting_user, visit: PlannedVisit, mediator, date: datetime.date, starts_at: datetime.time
) -> PlannedVisit:
    """Move a proposed visit to another day, time or mediator; a moved visit is locked for re-planning."""
    if visit.is_confirmed:
        raise ValidationError("Cette visite est confirmée : modifiez-la dans le suivi des déplacements.")
    if mediator.role != Role.MEDIATOR:
        raise ValidationError(f"{mediator} n'a pas le rôle de médiateur.")
    week_end = visit.plan.week_start + datetime.timedelta(days=6)
    if not (visit.plan.week_start <= date <= week_end):
        raise ValidationError("La nouvelle date doit rester dans la semaine du planning.")
    end = minutes(starts_at) + visit.plan.session_minutes
    if end >= 24 * 60:
        raise ValidationError("La séance doit finir avant minuit.")
    before = {"mediator": str(visit.mediator), "date": visit.date.isoformat(), "starts_at": f"{visit.starts_at:%H:%M}"}
    visit.mediator, visit.date, visit.starts_at, visit.ends_at = mediator, date, starts_at, as_time(end)
    visit.locked = True
    visit.full_clean(exclude=["plan", "site", "fieldwork_visit"])
    visit.save()
    journal_record(
        acting_user=acting_user,
        action="planning.visit_move",
        obj=visit,
        payload={
            "avant": before,
            "après": {"mediator": str(mediator), "date": date.isoformat(), "starts_at": f"{starts_at:%H:%M}"},
        },
    )
    return visit


@transaction.atomic
def planned_visit_lock(*, acting_user, visit: PlannedVisit, locked: bool) -> PlannedVisit:
    """Lock a visit so re-planning keeps it, or unlock it so re-planning may change it."""
    if visit.is_confirmed and not locked:
        raise ValidationError("Une visite confirmée reste fixée.")
    visit.locked = locked
    visit.save(update_fields=["locked", "updated_at"])
    journal_record(acting_user=acting_user, action="planning.visit_lock", obj=visit, payload={"verrouillée": locked})
    return visit


@transaction.atomic
def plan_confirm(*, acting_user, plan: Plan) -> int:
    """Turn every proposed visit of the plan into a planned field-work visit; returns how many were created.

    Goes through `relais.fieldwork.services.visit_create` (journaled there); each link is kept so that
    re-planning the week treats them as fixed.
    """

    created = 0
    for visit in plan.visits.filter(fieldwork_visit__isnull=True).select_related("site", "mediator"):
        written = visit_create(
            acting_user=acting_user,
            site=visit.site,
            date=visit.date,
            mediators=[visit.mediator],
            origin=VisitOrigin.PLANNED,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
        )
        visit.fieldwork_visit = written.obj
        visit.locked = True
        visit.save(update_fields=["fieldwork_visit", "locked", "updated_at"])
        created += 1
    plan.status = PlanStatus.CONFIRMED
    plan.confirmed_at = timezone.now()
    plan.save(update_fields=["status", "confirmed_at", "updated_at"])
    journal_record(acting_user=acting_user, action="planning.plan_confirm", obj=plan, payload={"visites": created})
    return created


WEIGHT_FIELDS = [
    "tool",
    "per_agent_without_account",
    "category_c_field_share",
    "per_day_since_visit",
    "days_since_visit_cap",
    "per_open_request",
    "per_open_followup",
    "per_agent_needing_help",
    "session_minutes",
    "session_capacity",
]


@transaction.atomic
def weights_update(*, acting_user, **fields) -> PriorityWeights:
    """Change the priority weights (one row for the team)."""
    weights = PriorityWeights.current()
    before = {f: str(getattr(weights, f)) for f in WEIGHT_FIELDS}
    for name, value in fields.items():
        if name not in WEIGHT_FIELDS:
            raise ValidationError(f"Champ inconnu : {name}.")
        setattr(weights, name, value)
    weights.updated_by = acting_user
    weights.full_clean()
    weights.save()
    journal_record(
        acting_user=acting_user,
        action="planning.weights_update",
        obj=weights,
        payload={
            f: [before[f], str(getattr(weights, f))] for f in WEIGHT_FIELDS if before[f] != str(getattr(weights, f))
        },
    )
    return weights


@transaction.atomic
def calendar_feed_issue(*, acting_user, user) -> CalendarFeed:
    """Give `user` a new private calendar address; the previous one stops working at once."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": CalendarFeed.new_token()})
    feed.token = CalendarFeed.new_token()
    feed.revoked_at = None
    feed.save()
    journal_record(acting_user=acting_user, action="planning.calendar_issue", obj=feed, payload={"user": user.username})
    return feed


@transaction.atomic
def calendar_feed_revoke(*, acting_user, user) -> None:
    """Stop `user`'s calendar address (a stolen phone, say)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return
    feed.token = CalendarFeed.new_token()  # the old address is dead even before a new one is issued
    feed.revoked_at = timezone.now()
    feed.save()
    journal_record(
        acting_user=acting_user, action="planning.calendar_revoke", obj=feed, payload={"user": user.username}
    )
