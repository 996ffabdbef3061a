"""A year of field work for the demo (DOMAIN.md §1): about 480 visits by the mediators, about 2,070 distinct
agents met (≈ 4.3 per visit, a few met twice), activation far higher among agents met than elsewhere.

Called by `manage.py demo_data` (see `relais.demo.context`); bulk inserts only, one journal entry.
Sizes scale with the number of agents (480 visits for 50,000 agents).
"""

import datetime
import random
import uuid
from collections import defaultdict
from itertools import accumulate

from django.db import connection
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.adoption.enums import Source
from relais.adoption.models import MAILBOX, Observation, Tool, ToolAccount
from relais.adoption.services import accounts_refresh
from relais.agents.models import Agent
from relais.demo import bulk
from relais.demo.services import journal_demo_load
from relais.fieldwork.enums import ActivityKind, Autonomy, Equipment, Level, Redirection, VisitOrigin, VisitStatus
from relais.fieldwork.models import Activity, Participation, Visit
from relais.knowledge.models import Topic
from relais.organisation.enums import SiteKind

VISITS_PER_50K = 480
DISTINCT_PER_VISIT = 4.45
REPEAT_SHARE = 0.08  # participations of agents already met on an earlier visit
WALK_IN_SHARE = 0.03
# Workshops where agents of another direction sat in (a depot's workshop open to the crèche next door):
# the case where an HR correspondent must see their own agents on the sheet and only a count of the others.
GUEST_WORKSHOP_SHARE = 0.12
ACTIVATION_WHEN_POSSIBLE = 0.78  # mailbox provisioned, not yet activated: the mediator activates it with them

# Where mediators go (field jobs without a computer first) and when staff are together (DOMAIN.md §3).
KIND_WEIGHT = {
    SiteKind.DEPOT_PROPRETE: 5.0,
    SiteKind.CRECHE: 4.0,
    SiteKind.ECOLE: 3.5,
    SiteKind.ATELIER: 2.5,
    SiteKind.EQUIPEMENT_SPORTIF: 2.0,
    SiteKind.ESPACE_VERT: 2.0,
    SiteKind.ETABLISSEMENT_SOCIAL: 1.0,
    SiteKind.BIBLIOTHEQUE: 0.6,
    SiteKind.POSTE_POLICE: 0.5,
    SiteKind.BUREAU: 0.2,
    SiteKind.AUTRE: 0.5,
}
START_TIMES = {
    SiteKind.DEPOT_PROPRETE: [(6, 30), (7, 0), (13, 0)],
    SiteKind.CRECHE: [(13, 0), (13, 30), (14, 0)],
    SiteKind.ECOLE: [(9, 0), (10, 0), (14, 30), (16, 30)],
    SiteKind.ATELIER: [(7, 30), (8, 0), (13, 30)],
    SiteKind.EQUIPEMENT_SPORTIF: [(8, 0), (10, 0), (14, 0)],
    SiteKind.ESPACE_VERT: [(7, 30), (8, 0)],
}
DEFAULT_START = [(9, 0), (10, 0), (14, 0)]
TOPICS_BY_KIND = {
    SiteKind.DEPOT_PROPRETE: ["messagerie", "badgeuse", "mots-de-passe", "smartphone", "self-service-rh"],
    SiteKind.CRECHE: ["messagerie", "self-service-rh", "mots-de-passe", "intranet", "hameconnage"],
    SiteKind.ECOLE: ["messagerie", "self-service-rh", "teleservices", "mots-de-passe", "smartphone"],
    SiteKind.ATELIER: ["messagerie", "badgeuse", "self-service-rh", "mots-de-passe"],
    SiteKind.EQUIPEMENT_SPORTIF: ["messagerie", "badgeuse", "intranet", "smartphone"],
    SiteKind.ESPACE_VERT: ["messagerie", "badgeuse", "smartphone", "self-service-rh"],
}
DEFAULT_TOPICS = ["messagerie", "mots-de-passe", "intranet", "visioconference", "diagnostic", "hameconnage"]
APPS_BY_KIND = {
    SiteKind.DEPOT_PROPRETE: ["badgeuse", "self-service-rh"],
    SiteKind.ATELIER: ["badgeuse", "self-service-rh"],
    SiteKind.ESPACE_VERT: ["badgeuse", "self-service-rh"],
    SiteKind.EQUIPEMENT_SPORTIF: ["badgeuse", "intranet"],
}
DEFAULT_APPS = ["self-service-rh", "intranet"]
WORKSHOP_TITLES = {
    "messagerie": "Activer sa messagerie professionnelle",
    "badgeuse": "L'application badgeuse pas à pas",
    "self-service-rh": "Bulletin de paie et frais de transport en ligne",
    "mots-de-passe": "Des mots de passe sûrs",
    "smartphone": "Prendre en main son smartphone",
    "intranet": "Découvrir le portail intranet",
    "teleservices": "Les téléservices de la ville",
    "hameconnage": "Reconnaître l'hameçonnage",
}
WALK_IN_LABELS = ["Fatou", "Mamadou", "Sylvie", ""]
FOLLOWUP_REASONS = [
    "Revoir la première connexion",
    "Installer l'application badgeuse",
    "Retrouver le bulletin de paie en ligne",
    "Compte à débloquer par le support",
    "Changer le numéro de téléphone de secours",
]


def _uuid(rng) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _weekdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _priority(account, day: datetime.date) -> int:
    """Who the mediators look for first: a mailbox waiting to be activated, then no mailbox, then the others."""
    if account is None:
        return 1
    return 0 if account[2] is None or account[2] > day else 2


def _guests(ctx, visits, activities, sites, met, agents_by_site, participations, next_id) -> list[tuple]:
    """Participations of agents of another direction, already met at their own site, sitting in on a workshop.

    Drawn from a stream of their own, after everything else, so the rest of the demo (and its figures:
    distinct agents, activations) is the same with or without them.
    """
    rng = random.Random(f"{ctx.seed}:fieldwork-guests")
    direction_of_site = {pk: direction_id for pk, _, direction_id in sites}
    site_of_visit = {row[0]: row[4] for row in visits}
    met_agents = {}
    for pk, pool in agents_by_site.items():
        seen = set(met.get(pk, ()))
        met_agents.update((a[0], a) for a in pool if a[0] in seen)
    by_direction: dict[int, list[tuple]] = defaultdict(list)
    for agent in sorted(met_agents.values()):
        by_direction[agent[1]].append(agent)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    present = {(row[4], row[5]) for row in participations}
    rows = []
    for activity in activities:
        activity_pk, vid, kind, author = activity[0], activity[4], activity[5], activity[10]
        if kind != ActivityKind.WORKSHOP or rng.random() >= GUEST_WORKSHOP_SHARE:
            continue
        host = direction_of_site.get(site_of_visit[vid])
        others = sorted(d for d in by_direction if d != host)
        if not others:
            continue
        pool = by_direction[rng.choice(others)]
        for agent_id, direction_id, category in rng.sample(pool, min(len(pool), rng.choice([1, 1, 2, 3]))):
            if (activity_pk, agent_id) in present:
                continue
            rows.append(
                (
                    next_id + len(rows), _uuid(rng), now, now, activity_pk, agent_id, False, "", direction_id,
                    category, None, "mediator", False, False, Autonomy.GUIDANCE_IF_NEEDED, False, "", None, "",
                    author, None,
                )
            )  # fmt: skip
    return rows


def build(ctx) -> None:
    rng = ctx.rng
    mediators = list(
        User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    if not mediators:
        ctx.log("Terrain : aucun médiateur, rien à générer")
        return
    today = ctx.as_of
    agents_by_site: dict[int, list[tuple]] = defaultdict(list)
    for pk, site_id, direction_id, category, exit_date in Agent.objects.filter(site__isnull=False).values_list(
        "pk", "site_id", "direction_id", "category", "exit_date"
    ):
        if exit_date is None or exit_date > today:
            agents_by_site[site_id].append((pk, direction_id, category))
    from relais.organisation.models import Site

    sites = [
        (pk, kind, direction_id)
        for pk, kind, direction_id in Site.objects.filter(pk__in=list(agents_by_site)).values_list(
            "pk", "kind", "direction_id"
        )
        if len(agents_by_site[pk]) >= 3
    ]
    if not sites:
        ctx.log("Terrain : aucun site avec des agents, rien à générer")
        return
    sites.sort()
    weights = [KIND_WEIGHT.get(kind, 0.5) * min(len(agents_by_site[pk]), 60) ** 0.5 for pk, kind, _ in sites]
    # Cumulative once: `choices(weights=…)` would re-add 80,000 weights at every draw (2,000,000 agents).
    site_cum_weights = list(accumulate(weights))
    n_visits = max(3, round(VISITS_PER_50K * ctx.agents / 50_000))

    mailbox = Tool.objects.get(code=MAILBOX)
    tools = dict(Tool.objects.values_list("code", "pk"))
    topics = dict(Topic.objects.values_list("code", "pk"))
    accounts = {
        agent_id: (pk, provisioned_on, activated_on, disabled_on)
        for agent_id, pk, provisioned_on, activated_on, disabled_on in ToolAccount.objects.filter(
            tool=mailbox
        ).values_list("agent_id", "pk", "provisioned_on", "activated_on", "disabled_on")
    }

    # A year of weekdays, more visits as the team grows (the programme started with 10 mediators).
    days = _weekdays(today - datetime.timedelta(days=364), today - datetime.timedelta(days=1))
    day_weights = [0.5 + i / len(days) for i in range(len(days))]
    day_cum_weights = list(accumulate(day_weights))
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    visit_id, activity_id, part_id = bulk.next_id(Visit), bulk.next_id(Activity), bulk.next_id(Participation)
    visits, visit_mediators, activities, activity_topics = [], [], [], []
    participations, part_apps, observations = [], [], []
    met: dict[int, list[int]] = defaultdict(list)  # site -> agents met there
    activated_by_us: set[int] = set()
    seen_obs: set[tuple[int, datetime.date]] = set()
    distinct: set[int] = set()

    def new_visit(site, day, status, origin, mediator_ids, start):
        nonlocal visit_id
        pk, kind, direction_id = site
        starts_at = datetime.time(*start)
        end_minutes = start[0] * 60 + start[1] + rng.choice([60, 90, 120, 150])
        ends_at = datetime.time(min(end_minutes // 60, 23), end_minutes % 60) if status == VisitStatus.DONE else None
        closed = status == VisitStatus.DONE
        visits.append(
            (
                visit_id, _uuid(rng), now, now, pk, day.isoformat(), starts_at.isoformat(),
                ends_at.isoformat() if ends_at else None, origin, status, "",
                now if status in (VisitStatus.DONE, VisitStatus.UNDER_WAY) else None, now if closed else None,
                mediator_ids[0], None,
            )
        )  # fmt: skip
        for m in mediator_ids:
            visit_mediators.append((visit_id, m))
        visit_id += 1
        return visit_id - 1

    for _ in range(n_visits):
        site = rng.choices(sites, cum_weights=site_cum_weights)[0]
        pk, kind, direction_id = site
        day = rng.choices(days, cum_weights=day_cum_weights)[0]
        cancelled = rng.random() < 0.03
        origin = rng.choices(
            [VisitOrigin.PLANNED, VisitOrigin.DIRECTORATE_REQUEST, VisitOrigin.SPONTANEOUS], weights=[70, 22, 8]
        )[0]
        crew = [rng.choice(mediators)]
        if rng.random() < 0.25 and len(mediators) > 1:
            crew.append(rng.choice([m for m in mediators if m != crew[0]]))
        start = rng.choice(START_TIMES.get(kind, DEFAULT_START))
        vid = new_visit(site, day, VisitStatus.CANCELLED if cancelled else VisitStatus.DONE, origin, crew, start)
        if cancelled:
            continue
        pool = agents_by_site[pk]
        size = max(1, min(len(pool), round(rng.gauss(DISTINCT_PER_VISIT, 1.6))))
        previously = met[pk]
        chosen: list[tuple] = []
        not_met = [a for a in pool if a[0] not in distinct]
        # Mediators come for those who have not activated their mailbox yet.
        not_met.sort(key=lambda a: (_priority(accounts.get(a[0]), day), rng.random()))
        for _ in range(size):
            if previously and rng.random() < REPEAT_SHARE:
                again = rng.choice(previously)
                if all(c[0] != again for c in chosen):
                    chosen.append(next(a for a in pool if a[0] == again))
                    continue
            if not_met:
                chosen.append(not_met.pop(0 if rng.random() < 0.8 else rng.randrange(len(not_met))))
        site_topics = TOPICS_BY_KIND.get(kind, DEFAULT_TOPICS)
        # One activity for small groups; a workshop and one-to-one help for larger ones.
        groups = (
            [chosen]
            if len(chosen) <= 4 or rng.random() < 0.5
            else [chosen[: len(chosen) * 2 // 3], chosen[len(chosen) * 2 // 3 :]]
        )
        for g, group in enumerate(groups):
            if not group:
                continue
            if g == 0 and len(group) >= 3:
                akind = ActivityKind.WORKSHOP
            else:
                akind = rng.choice([ActivityKind.ONE_TO_ONE, ActivityKind.DROP_IN])
            main = site_topics[0] if rng.random() < 0.6 else rng.choice(site_topics)
            chosen_topics = {main} | ({rng.choice(site_topics)} if rng.random() < 0.4 else set())
            title = WORKSHOP_TITLES.get(main, "Atelier numérique") if akind == ActivityKind.WORKSHOP else ""
            level = rng.choice([Level.BEGINNER] * 4 + [Level.INTERMEDIATE]) if akind == ActivityKind.WORKSHOP else ""
            duration = rng.choice([45, 60, 60, 90]) if akind == ActivityKind.WORKSHOP else rng.choice([15, 30, 30, 45])
            equipment = rng.choice([Equipment.PHONE] * 5 + [Equipment.TABLET, Equipment.COMPUTER])
            activities.append(
                (activity_id, _uuid(rng), now, now, vid, akind, title, level, duration, equipment, crew[0], None)
            )
            for code in sorted(chosen_topics):
                if code in topics:
                    activity_topics.append((activity_id, topics[code]))
            for agent_id, agent_direction, category in group:
                distinct.add(agent_id)
                met[pk].append(agent_id)
                account = accounts.get(agent_id)
                activated = False
                if (
                    account is not None
                    and agent_id not in activated_by_us
                    and account[1] is not None
                    and account[1] <= day
                    and (account[2] is None or account[2] > day)
                    and (account[3] is None or account[3] > day)
                    and rng.random() < ACTIVATION_WHEN_POSSIBLE
                ):
                    activated = True
                    activated_by_us.add(agent_id)
                    if (account[0], day) not in seen_obs:
                        seen_obs.add((account[0], day))
                        observations.append(
                            (account[0], Source.MEDIATION, day.isoformat(), None, day.isoformat(), day.isoformat(),
                             False, f"demo-terrain:{vid}", now)
                        )  # fmt: skip
                followup = rng.random() < 0.1
                autonomy = rng.choices(
                    [Autonomy.WITH_GUIDANCE, Autonomy.GUIDANCE_IF_NEEDED, Autonomy.AUTONOMOUS, ""],
                    weights=[30, 40, 25, 5],
                )[0]
                redirected = rng.choices(
                    ["", Redirection.IT_SUPPORT, Redirection.HR_MANAGER, Redirection.OTHER], weights=[90, 4, 5, 1]
                )[0]
                done_on = (
                    (day + datetime.timedelta(days=rng.randint(2, 20))) if followup and rng.random() < 0.7 else None
                )
                if done_on and done_on > today:
                    done_on = None
                participations.append(
                    (
                        part_id, _uuid(rng), now, now, activity_id, agent_id, False, "", agent_direction, category,
                        None, "mediator", activated, rng.random() < 0.12, autonomy, followup,
                        rng.choice(FOLLOWUP_REASONS) if followup else "", done_on.isoformat() if done_on else None,
                        redirected, crew[0], None,
                    )
                )  # fmt: skip
                for code in APPS_BY_KIND.get(kind, DEFAULT_APPS):
                    if rng.random() < 0.22 and code in tools:
                        part_apps.append((part_id, tools[code]))
                part_id += 1
            if rng.random() < WALK_IN_SHARE * len(group):
                participations.append(
                    (
                        part_id, _uuid(rng), now, now, activity_id, None, True, rng.choice(WALK_IN_LABELS),
                        direction_id, "C", None, "mediator", False, False, Autonomy.WITH_GUIDANCE, False, "", None, "",
                        crew[0], None,
                    )
                )  # fmt: skip
                part_id += 1
            activity_id += 1

    participations += _guests(ctx, visits, activities, sites, met, agents_by_site, participations, part_id)

    # Today: each mediator has a visit planned, so that "Ma journée" is not empty in the demo.
    for m in mediators:
        site = rng.choices(sites, cum_weights=site_cum_weights)[0]
        new_visit(
            site,
            today,
            VisitStatus.PLANNED,
            VisitOrigin.PLANNED,
            [m],
            rng.choice(START_TIMES.get(site[1], DEFAULT_START)),
        )

    bulk.insert(Visit, VISIT_FIELDS, visits)
    bulk.insert(Visit.mediators.through, ["visit", "user"], visit_mediators)
    bulk.insert(Activity, ACTIVITY_FIELDS, activities)
    bulk.insert(Activity.topics.through, ["activity", "topic"], activity_topics)
    bulk.insert(Participation, PARTICIPATION_FIELDS, participations)
    bulk.insert(Participation.apps_installed.through, ["participation", "tool"], part_apps)
    bulk.insert(Observation, OBSERVATION_FIELDS, observations)
    bulk.reset_sequences(Visit, Activity, Participation)
    accounts_refresh(sorted({row[0] for row in observations}))
    summary = {
        "déplacements": len(visits),
        "activités": len(activities),
        "participations": len(participations),
        "agents_distincts": len(distinct),
        "activations_en_séance": len(activated_by_us),
    }
    journal_demo_load(action="demo.fieldwork", label="terrain", payload=summary)
    ctx.log(
        f"Terrain : {len(visits)} déplacements, {len(participations)} participations, "
        f"{len(distinct)} agents rencontrés, {len(activated_by_us)} messageries activées en séance"
    )


VISIT_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "site", "date", "starts_at", "ends_at", "origin", "status", "notes",
    "started_at", "closed_at", "created_by", "deleted_at",
]  # fmt: skip
ACTIVITY_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "visit", "kind", "title", "level", "duration_minutes", "equipment",
    "created_by", "deleted_at",
]  # fmt: skip
PARTICIPATION_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "activity", "agent", "is_walk_in", "walk_in_label", "direction",
    "category", "matched_at", "signed_in_by", "mailbox_activated", "password_reset", "autonomy", "followup_needed",
    "followup_reason", "followup_done_on", "redirected_to", "created_by", "deleted_at",
]  # fmt: skip
OBSERVATION_FIELDS = [
    "account", "source", "as_of", "provisioned_on", "first_sign_in_on", "last_activity_on", "is_disabled", "reference",
    "recorded_at",
]  # fmt: skip
