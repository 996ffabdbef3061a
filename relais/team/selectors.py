"""Reads for the team page: the growth toward the target, the recruits and their onboarding."""

import datetime
from dataclasses import dataclass

from django.db.models import Count

from relais.team.enums import RecruitStatus
from relais.team.models import HeadcountTarget, OnboardingModule, Recruit
from relais.team.services import Week, team_growth


@dataclass
class TeamPage:
    today: datetime.date
    target: HeadcountTarget | None
    now: Week
    at_target: Week | None  # the team on the target's date, as recruitment stands
    months: list[Week]  # first week of each of the next twelve months
    pipeline: list[tuple[str, list[Recruit]]]
    module_count: int

    @property
    def missing(self) -> int:
        return max(0, self.target.headcount - self.at_target.headcount) if self.target and self.at_target else 0


def team_page(*, today: datetime.date) -> TeamPage:
    target = HeadcountTarget.objects.filter(by_date__gte=today).first()
    horizon = 56 if target is None else max(56, (target.by_date - today).days // 7 + 5)
    weeks = team_growth(start=today, weeks=horizon)
    at_target = None
    if target:
        at_target = next((w for w in weeks if w.start >= target.by_date), weeks[-1])
    months, seen = [], set()
    for w in weeks:
        if (w.start.year, w.start.month) not in seen and len(months) < 12:
            seen.add((w.start.year, w.start.month))
            months.append(w)
    recruits = (
        Recruit.objects.select_related("mentor", "agent__direction")
        .annotate(done=Count("completions", distinct=True), shadowed=Count("shadowings", distinct=True))
        .order_by("starts_on", "last_name")
    )
    by_status = {s.value: [] for s in RecruitStatus}
    for r in recruits:
        by_status[r.status].append(r)
    pipeline = [(s.label, by_status[s.value]) for s in RecruitStatus if by_status[s.value]]
    return TeamPage(
        today=today,
        target=target,
        now=weeks[0],
        at_target=at_target,
        months=months,
        pipeline=pipeline,
        module_count=OnboardingModule.objects.filter(is_active=True).count(),
    )
