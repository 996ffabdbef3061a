"""Reads for planning: a week of Relais data turned into a solver instance, and the pages' figures."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import holidays
from django.core.exceptions import ValidationError

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Visit
from relais.organisation.models import GatheringTime, OpeningHours, Site
from relais.planning import solver
from relais.planning.models import Absence, MediatorProfile, PlannedVisit, PriorityWeights
from relais.planning.scoring import site_scores
from relais.team.enums import JOINING
from relais.team.models import Recruit
from relais.team.services import recruit_share

WORK_DAYS = 5


def parse_week(text: str) -> datetime.date:
    """'2026-W49' → Monday of that ISO week; a clear French message otherwise."""
    try:
        year, week = text.strip().upper().split("-W")
        return datetime.date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, AttributeError) as exc:
        raise ValidationError(f"Semaine « {text} » invalide : attendu AAAA-Wnn, par exemple 2026-W49.") from exc


def next_week(today: datetime.date | None = None) -> datetime.date:
    today = today or datetime.date.today()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=7)


def minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def as_time(m: int) -> datetime.time:
    return datetime.time(m // 60, m % 60)


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if lo < hi:
                out.append((lo, hi))
    return sorted(out)


def site_windows(site_ids: list[int]) -> dict[int, dict[int, tuple[tuple[int, int], ...]]]:
    """Windows a session must fit in, per site and weekday (DOMAIN.md §3).

    A site with gathering times is visited at one of them (its staff are together only then), within
    its opening hours when they are known for that day; a site without any gathering time is visited
    during its opening hours. A site with neither has no window: it cannot be planned automatically.
    """
    opening: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    gathering: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for site_id, day, o, c in OpeningHours.objects.filter(site_id__in=site_ids).values_list(
        "site_id", "weekday", "opens_at", "closes_at"
    ):
        opening[site_id][day].append((minutes(o), minutes(c)))
    for site_id, day, s, e in GatheringTime.objects.filter(site_id__in=site_ids).values_list(
        "site_id", "weekday", "starts_at", "ends_at"
    ):
        gathering[site_id][day].append((minutes(s), minutes(e)))
    out = {}
    for site_id in site_ids:
        days = {}
        for day in range(7):
            if site_id in gathering:
                windows = gathering[site_id].get(day, [])
                if windows and opening[site_id].get(day):
                    windows = _intersect(windows, opening[site_id][day])
            else:
                windows = sorted(opening[site_id].get(day, []))
            if windows:
                days[day] = tuple(windows)
        out[site_id] = days
    return out


def mediators_queryset():
    return User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class Reinforcement:
    """A hypothetical mediator of a what-if ("renfort"): default profile, an office of the team; never saved."""

    number: int
    office: tuple[float, float]

    @property
    def pk(self) -> str:
        return f"renfort-{self.number}"

    def __str__(self) -> str:
        return f"Renfort {self.number}"


def team_for(count: int | None) -> tuple[list, int]:
    """The first `count` active mediators, plus reinforcements when `count` exceeds the team.

    Returns (mediators, reinforcements). Reinforcements start from the team's offices in turn (the
    default office when the team has none), with the default hours and every weekday worked.
    """
    team = list(mediators_queryset())
    if count is None or count <= len(team):
        return (team if count is None else team[:count]), 0
    offices = [p.start_point for p in MediatorProfile.objects.filter(user__in=team).order_by("user_id")]
    offices = offices or [MediatorProfile().start_point]
    extra = [Reinforcement(i + 1, offices[i % len(offices)]) for i in range(count - len(team))]
    return team + extra, len(extra)


@dataclass
class Week:
    """A solver instance for one week, with the way back to Relais rows."""

    start: datetime.date
    instance: solver.Instance
    sites: dict[str, Site]  # solver key → site
    mediators: dict[str, User]  # solver key → user
    skipped_days: list[str] = field(default_factory=list)

    def date(self, day: int) -> datetime.date:
        return self.start + datetime.timedelta(days=day)


def week_mediator_days(week_start: datetime.date, mediators: list[User]) -> tuple[list[solver.MediatorDay], list[str]]:
    """Each mediator's working days of the week, minus public holidays, absences and part-time days off.

    A new mediator (relais.team) counts from their start date, on mornings only while onboarding.
    """
    real = [u for u in mediators if not isinstance(u, Reinforcement)]
    profiles = {p.user_id: p for p in MediatorProfile.objects.filter(user__in=real)}
    profiles |= {
        u.pk: MediatorProfile(office_latitude=u.office[0], office_longitude=u.office[1])
        for u in mediators
        if isinstance(u, Reinforcement)
    }
    days = [week_start + datetime.timedelta(days=d) for d in range(WORK_DAYS)]
    french = holidays.France(years={d.year for d in days})
    absences = defaultdict(list)
    for a in Absence.objects.filter(mediator__in=real, starts_on__lte=days[-1], ends_on__gte=days[0]):
        absences[a.mediator_id].append(a)
    recruits = {
        r.user_id: r for r in Recruit.objects.filter(user__in=real, status__in=JOINING, starts_on__isnull=False)
    }
    mediator_days, skipped = [], []
    for d, day in enumerate(days):
        if day in french:
            skipped.append(f"{day:%d/%m} : jour férié ({french.get(day)})")
            continue
        for user in mediators:
            profile = profiles.get(user.pk) or MediatorProfile(user=user)
            if not profile.works_on(d) or any(a.starts_on <= day <= a.ends_on for a in absences[user.pk]):
                continue
            available = (minutes(profile.day_starts_at), minutes(profile.day_ends_at))
            if (recruit := recruits.get(user.pk)) is not None:
                share = recruit_share(recruit, day)
                if not share:
                    continue  # not started yet
                # While onboarding: mornings in the field, afternoons for the training modules.
                available = (available[0], available[0] + round((available[1] - available[0]) * share))
            mediator_days.append(
                solver.MediatorDay(
                    mediator=str(user.pk),
                    day=d,
                    available=available,
                    start=profile.start_point,
                    end=profile.end_point,
                    preferred_areas=profile.preferred_areas,
                    label=str(user),
                )
            )
    return mediator_days, skipped


def build_week(
    week_start: datetime.date,
    *,
    mediators: list[User] | None = None,
    session_minutes: int | None = None,
    session_capacity: int | None = None,
    fixed_planned: list[PlannedVisit] = (),
    today: datetime.date | None = None,
) -> Week:
    """The instance of `week_start`'s week: sites worth visiting, mediator-days, fixed visits.

    Fixed: visits already planned in field work that week (confirmed) and the plan's locked visits.
    Days off: public holidays, absences, days a part-time mediator does not work.
    """
    weights = PriorityWeights.current()
    svc = session_minutes or weights.session_minutes
    capacity = session_capacity or weights.session_capacity
    mediators = list(mediators if mediators is not None else mediators_queryset())
    mediator_days, skipped = week_mediator_days(week_start, mediators)
    days = [week_start + datetime.timedelta(days=d) for d in range(WORK_DAYS)]
    available = {(md.mediator, md.day) for md in mediator_days}

    # Visits already in field work that week are fixed; their sites are not proposed again.
    fixed: list[solver.FixedVisit] = []
    taken_sites: set[int] = set()
    fixed_rows: list[tuple[int, str, int, int]] = []
    visits = (
        Visit.objects.alive()
        .filter(date__gte=days[0], date__lte=days[-1])
        .exclude(status=VisitStatus.CANCELLED)
        .prefetch_related("mediators")
    )
    for v in visits:
        taken_sites.add(v.site_id)
        d = (v.date - week_start).days
        for m in v.mediators.all():
            if v.starts_at and (str(m.pk), d) in available:
                fixed_rows.append((v.site_id, str(m.pk), d, minutes(v.starts_at)))
                break
    for pv in fixed_planned:
        if pv.fieldwork_visit_id:
            continue
        d = (pv.date - week_start).days
        taken_sites.add(pv.site_id)
        if (str(pv.mediator_id), d) in available:
            fixed_rows.append((pv.site_id, str(pv.mediator_id), d, minutes(pv.starts_at)))

    site_rows = list(
        Site.objects.filter(is_active=True, latitude__isnull=False, longitude__isnull=False).only(
            "pk", "public_id", "name", "postcode", "latitude", "longitude", "kind"
        )
    )
    by_pk = {s.pk: s for s in site_rows}
    scores = site_scores(site_ids=None, today=today, weights=weights)
    windows = site_windows([s.pk for s in site_rows])
    top = max((sc.score for sc in scores.values()), default=0) or 1
    fixed_site_ids = {r[0] for r in fixed_rows}
    options, keyed = [], {}
    for s in site_rows:
        sc = scores.get(s.pk)
        reach = min(capacity, sc.without_account) if sc else 0
        if s.pk in fixed_site_ids or (reach > 0 and windows.get(s.pk) and s.pk not in taken_sites):
            key = str(s.pk)
            keyed[key] = s
            options.append(
                solver.SiteOption(
                    key=key,
                    name=s.name,
                    point=(s.latitude, s.longitude),
                    agents=reach,
                    windows={d: w for d, w in windows.get(s.pk, {}).items() if d < WORK_DAYS},
                    priority=100 * (sc.score if sc else 0) / top,
                    area=s.postcode,
                )
            )
    agents_of = {o.key: o.agents for o in options}
    for site_id, mediator, d, start in fixed_rows:
        if site_id in by_pk:
            fixed.append(solver.FixedVisit(str(site_id), mediator, d, start, agents_of.get(str(site_id), 0)))
    instance = solver.Instance(
        options, mediator_days, fixed, session_minutes=svc, session_capacity=capacity
    )  # fmt: skip
    return Week(week_start, instance, keyed, {str(u.pk): u for u in mediators}, skipped)
