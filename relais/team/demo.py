"""The demo team's growth: 10 mediators today, 19 wanted by next September, recruits at every step."""

import datetime

from django.db.models import Q

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.models import Agent
from relais.team.enums import RecruitOrigin, RecruitStatus
from relais.team.models import HeadcountTarget, OnboardingCompletion, OnboardingModule, Recruit

# (status, weeks from today to the start date or None, modules done, Pix score)
PATH = [
    (RecruitStatus.ONBOARDING, -3, 4, 312),
    (RecruitStatus.ACCEPTED, 5, 0, 287),
    (RecruitStatus.ACCEPTED, 9, 0, 254),
    (RecruitStatus.INTERVIEW, None, 0, 241),
    (RecruitStatus.INTERVIEW, None, 0, 198),
    (RecruitStatus.CANDIDATE, None, 0, 176),
    (RecruitStatus.CANDIDATE, None, 0, None),
    (RecruitStatus.DECLINED, None, 0, 95),
]
DECLINED_NOTE = "Projet à mûrir : une formation Pix est proposée."


def build(ctx) -> None:
    rng = ctx.rng
    september = datetime.date(ctx.as_of.year + (ctx.as_of.month >= 9), 9, 1)
    HeadcountTarget.objects.create(headcount=19, by_date=september, note="Doublement de l'équipe (10 → 19)")
    mentors = list(User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("username"))
    # Candidates come from the retraining pool: category C field agents with no computer at work.
    pool = list(
        Agent.objects.filter(Q(exit_date__isnull=True) | Q(exit_date__gt=ctx.as_of), uses_computer=False)
        .order_by("id")
        .values_list("id", "first_name", "last_name")[:2000]
    )
    modules = list(OnboardingModule.objects.filter(is_active=True))
    for i, (status, weeks, done, pix) in enumerate(PATH):
        agent_id, first, last = rng.choice(pool)
        starts_on = ctx.as_of + datetime.timedelta(weeks=weeks) if weeks is not None else None
        recruit = Recruit.objects.create(
            first_name=first,
            last_name=last,
            origin=RecruitOrigin.RETRAINING if i % 4 else RecruitOrigin.INTERNAL,
            agent_id=agent_id,
            status=status,
            pix_score=pix,
            interview_on=ctx.as_of - datetime.timedelta(days=20 + 3 * i) if status != RecruitStatus.CANDIDATE else None,
            decided_on=ctx.as_of - datetime.timedelta(days=10 + i) if weeks is not None or i == 7 else None,
            decision_note="Projet à mûrir : une formation Pix est proposée."
            if status == RecruitStatus.DECLINED
            else "",
            starts_on=starts_on,
            mentor=mentors[i % len(mentors)] if mentors and starts_on else None,
        )
        for module in modules[:done]:
            OnboardingCompletion.objects.create(
                recruit=recruit, module=module, done_on=starts_on + datetime.timedelta(days=2 * modules.index(module))
            )
    ctx.log(f"Équipe : {len(PATH)} candidatures, objectif 19 médiateurs le {september:%d/%m/%Y}")
