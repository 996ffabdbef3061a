"""Writes of the mediators' path, and the team's growth as capacity week by week."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.journal.services import journal_record
from relais.team.enums import JOINING
from relais.team.models import OnboardingCompletion, OnboardingModule, Recruit, Shadowing

# A new mediator is available part time while shadowing: half their days for their first eight weeks.
ONBOARDING_WEEKS = 8
ONBOARDING_SHARE = 0.5

RECRUIT_FIELDS = [
    "first_name", "last_name", "email", "origin", "agent", "status", "pix_score", "interview_on", "decided_on",
    "decision_note", "starts_on", "user", "mentor",
]  # fmt: skip


def _value(obj, field):
    value = getattr(obj, field)
    return str(value) if value is not None else None


@transaction.atomic
def recruit_save(*, acting_user, recruit: Recruit, changed: list[str] | None = None) -> Recruit:
    """Create or update a recruit; journaled with the fields that changed (personal data)."""
    created = recruit.pk is None
    before = {} if created else {f: _value(Recruit.objects.get(pk=recruit.pk), f) for f in RECRUIT_FIELDS}
    recruit.full_clean()
    recruit.save()
    after = {f: _value(recruit, f) for f in RECRUIT_FIELDS}
    fields = sorted(f for f in RECRUIT_FIELDS if before.get(f) != after[f]) if not created else sorted(after)
    journal_record(
        acting_user=acting_user,
        action="team.recruit_create" if created else "team.recruit_update",
        obj=recruit,
        payload={"champs": fields, "étape": recruit.status},
    )
    return recruit


@transaction.atomic
def onboarding_complete(*, acting_user, recruit: Recruit, module: OnboardingModule, done_on: datetime.date) -> bool:
    """Mark one module done (once); returns False when it already was."""
    _, created = OnboardingCompletion.objects.get_or_create(
        recruit=recruit, module=module, defaults={"done_on": done_on}
    )
    if created:
        journal_record(acting_user=acting_user, action="team.onboarding_complete", obj=recruit,
                       payload={"module": module.title, "le": done_on.isoformat()})  # fmt: skip
    return created


@transaction.atomic
def shadowing_record(*, acting_user, recruit: Recruit, visit, note: str = "") -> Shadowing:
    shadowing, _ = Shadowing.objects.get_or_create(recruit=recruit, visit=visit, defaults={"note": note})
    journal_record(acting_user=acting_user, action="team.shadowing_record", obj=recruit,
                   payload={"visite": str(visit.public_id), "date": visit.date.isoformat()})  # fmt: skip
    return shadowing


@dataclass(frozen=True)
class Week:
    start: datetime.date
    headcount: int  # people in the team (in post or onboarding)
    capacity: float  # full-time equivalents in the field


def recruit_share(recruit: Recruit, day: datetime.date) -> float:
    """How much of a full-time mediator the recruit is on `day`: 0 before starting, half while shadowing."""
    if recruit.status not in JOINING or recruit.starts_on is None or day < recruit.starts_on:
        return 0.0
    return ONBOARDING_SHARE if day < recruit.onboarding_until(ONBOARDING_WEEKS) else 1.0


def team_growth(*, start: datetime.date, weeks: int) -> list[Week]:
    """The team week by week from `start`: mediators in post today plus the recruits as they join.

    A mediator account linked to a recruit counts through the recruit (part time while onboarding);
    other active mediator accounts count full time.
    """
    recruits = list(Recruit.objects.filter(status__in=JOINING, starts_on__isnull=False))
    linked = {r.user_id for r in recruits if r.user_id}
    others = User.objects.filter(role=Role.MEDIATOR, is_active=True).exclude(pk__in=linked).count()
    out = []
    for w in range(weeks):
        day = start + datetime.timedelta(weeks=w)
        shares = [recruit_share(r, day) for r in recruits]
        out.append(Week(start=day, headcount=others + sum(1 for s in shares if s), capacity=others + sum(shares)))
    return out
