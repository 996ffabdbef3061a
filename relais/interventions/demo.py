"""A year of intervention requests for the demo (DOMAIN.md §1): a dozen, from several directions, in every state.

Requests are built around the field work already loaded: a done or assessed request is served by the
demo's visits that came from a directorate's request (same site, requested a few weeks before), a
scheduled one by a visit still planned; the HR-manager requests list the direction's "Gestionnaire RH"
agents. The requester is the direction's HR correspondent when one exists (the demo's `rh` for DPE,
when `demo_accounts` ran first), otherwise the coordination typing the request for the direction — the
demo's `coordination` account, created without a password when missing (`demo_accounts` gives it one).

Called by `manage.py demo_data` (see `relais.demo.context`); bulk inserts only, one journal entry.
"""

import datetime
import json
import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.models import Agent
from relais.demo import bulk
from relais.demo.services import DEMO_ACCOUNTS, journal_demo_load
from relais.fieldwork.enums import VisitOrigin, VisitStatus
from relais.fieldwork.models import Visit
from relais.interventions.enums import RequestStatus
from relais.interventions.models import Comment, InterventionRequest
from relais.knowledge.models import Topic
from relais.organisation.models import Direction, Site

S = RequestStatus


@dataclass(frozen=True)
class Scenario:
    direction: str  # "" = the direction of the visit that serves it
    status: str
    title: str
    goal: str
    topics: tuple[str, ...]
    population: str  # site | hr_managers | categories
    categories: tuple[str, ...] = ()
    constraints: str = ""
    note: str = ""
    reason: str = ""


SCENARIOS = [
    Scenario("DPE", S.ASSESSED, "Messagerie des agents du dépôt",
             "Que les agents de propreté du dépôt activent leur messagerie avant les élections professionnelles.",
             ("messagerie", "elections"), "site", ("C",),
             "Prise de poste à 6 h : intervenir entre 6 h et 7 h 30, dans la salle de pause."),
    Scenario("DFPE", S.ASSESSED, "Crèche : bulletin de paie en ligne",
             "Que les agents de la crèche retrouvent leur bulletin de paie et demandent un duplicata seuls.",
             ("self-service-rh", "messagerie"), "site", (),
             "Pendant la sieste des enfants, entre 13 h et 15 h."),
    Scenario("DASCO", S.ASSESSED, "Agents de l'école : messagerie et intranet",
             "Lire sa messagerie professionnelle et trouver les informations RH sur l'intranet.",
             ("messagerie", "intranet"), "site", ("C",), "Entre 14 h et 16 h, hors vacances scolaires."),
    Scenario("DJS", S.DONE, "Badgeuse dans l'équipement sportif",
             "Que chacun badge avec l'application et corrige un oubli sans passer par le secrétariat.",
             ("badgeuse",), "site", (), "Le matin, avant l'ouverture au public."),
    Scenario("DEVE", S.DONE, "Jardiniers : smartphone et messagerie",
             "Installer la messagerie sur le téléphone et reconnaître un message d'hameçonnage.",
             ("smartphone", "messagerie", "hameconnage"), "site", ("C",), "Au retour de chantier, vers 14 h."),
    Scenario("", S.SCHEDULED, "Messagerie : agents du site",
             "Que les agents qui n'ont pas encore activé leur messagerie le fassent avec un médiateur.",
             ("messagerie",), "site", (), "Prévenir l'encadrant la veille."),
    Scenario("", S.SCHEDULED, "Self-service RH sur le site",
             "Demander un duplicata de bulletin de paie et un remboursement de frais de transport en ligne.",
             ("self-service-rh",), "site", ("C",), "Pas pendant la clôture de la paie (du 10 au 15)."),
    Scenario("DFPE", S.ACCEPTED, "Gestionnaires RH : fiabiliser les dossiers",
             "Réduire les erreurs de paie : les gestionnaires RH utilisent le self-service RH et vérifient les "
             "dossiers des agents.", ("self-service-rh",), "hr_managers", (),
             "Par petits groupes de quatre, le mardi ou le jeudi.",
             note="Les gestionnaires RH de la direction."),
    Scenario("DPE", S.SUBMITTED, "Gestionnaires RH de la direction",
             "Que les gestionnaires RH sachent guider les agents vers leur messagerie et le self-service RH.",
             ("messagerie", "self-service-rh"), "hr_managers", (), "En dehors de la semaine de paie.",
             note="Les gestionnaires RH de la direction."),
    Scenario("DSOL", S.SUBMITTED, "Téléservices de la ville",
             "Aider les agents d'accueil à utiliser les téléservices pour orienter le public.",
             ("teleservices",), "categories", ("B", "C"), "Le matin, avant l'ouverture au public.",
             note="Les agents d'accueil des établissements sociaux."),
    Scenario("DPMP", S.DECLINED, "Double authentification au poste",
             "Installer la double authentification sur les téléphones de service.",
             ("mots-de-passe",), "categories", ("C",), "Selon les roulements.",
             note="Les agents des postes de police.",
             reason="Le support informatique s'en charge lors du renouvellement des téléphones ; nous "
                    "restons disponibles pour les agents en difficulté ensuite."),
    Scenario("DAC", S.WITHDRAWN, "Visioconférence en bibliothèque",
             "Animer une réunion d'équipe en visioconférence.", ("visioconference",), "categories", ("B",),
             note="Les responsables de section."),
]  # fmt: skip

COMMENTS_REQUESTER = [
    "L'encadrant prévient les équipes et réserve la salle de pause.",
    "Plusieurs agents n'ont pas leur téléphone sur eux : prévoir une tablette ?",
    "Merci pour la réactivité.",
]
COMMENTS_TEAM = [
    "Deux médiatrices viendront ; prévoir une prise électrique et le code wifi.",
    "Nous apportons des affiches avec le QR code de l'assistance.",
]
ASSESSMENTS = [
    (5, "Très utile : les agents ont activé leur messagerie sur place."),
    (4, "Bonne séance ; une deuxième date serait bienvenue pour l'équipe de l'après-midi."),
    (5, "Les agents ont apprécié la patience des médiatrices."),
]
HR_MANAGER_TITLE = "Gestionnaire RH"


def _uuid(rng) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _coordinator() -> User:
    """The coordination account typing requests for the directions (the demo's own, created if missing)."""
    user = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    if user is not None:
        return user
    username, role, first_name, last_name = next(a for a in DEMO_ACCOUNTS if a[1] == Role.COORDINATOR)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first_name, last_name=last_name, role=role)
        user.set_unusable_password()
        user.save()
    return user


def build(ctx) -> None:
    rng = ctx.rng
    today = ctx.as_of
    tz = timezone.get_current_timezone()
    db_dt = connection.ops.adapt_datetimefield_value
    directions = dict(Direction.objects.values_list("code", "pk"))
    codes = {pk: code for code, pk in directions.items()}
    topics = dict(Topic.objects.values_list("code", "pk"))
    coordinator = _coordinator()
    hr_users: dict[int, int] = {}
    for user_id, direction_id in (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").values_list("pk", "directions")
    ):
        if direction_id is not None:
            hr_users.setdefault(direction_id, user_id)

    # Visits that came from a directorate's request, by direction; visits still planned, any direction.
    done_visits: dict[int, list[tuple]] = {}
    for pk, site_id, day, direction_id in (
        Visit.objects.alive()
        .filter(status=VisitStatus.DONE, origin=VisitOrigin.DIRECTORATE_REQUEST, date__lte=today)
        .order_by("date", "pk")
        .values_list("pk", "site_id", "date", "site__direction_id")
    ):
        done_visits.setdefault(direction_id, []).append((pk, site_id, day))
    planned = list(
        Visit.objects.alive()
        .filter(status=VisitStatus.PLANNED, date__gte=today)
        .order_by("date", "pk")
        .values_list("pk", "site_id", "date", "site__direction_id")
    )
    rng.shuffle(planned)

    def site_with_agents(direction_id) -> int | None:
        ids = list(
            Site.objects.filter(direction_id=direction_id, is_active=True)
            .filter(pk__in=Agent.objects.in_post(today).filter(direction_id=direction_id).values("site_id"))
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        return rng.choice(ids) if ids else None

    def at(day: datetime.date, hour: int) -> str:
        return db_dt(datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=tz))

    request_id, comment_id = bulk.next_id(InterventionRequest), bulk.next_id(Comment)
    requests, comments = [], []
    links = {"topics": [], "sites": [], "agents": [], "visits": []}
    used_visits: set[int] = set()
    by_direction: dict[str, int] = {}
    for sc in SCENARIOS:
        direction_id = directions.get(sc.direction) if sc.direction else None
        site_id, visits, first_visit = None, [], None
        if sc.population == "site" and sc.status in (S.DONE, S.ASSESSED):
            pool = [v for v in done_visits.get(direction_id, []) if v[0] not in used_visits]
            if pool:
                first_visit = rng.choice(pool[len(pool) // 3 :] if sc.status == S.DONE else pool[: len(pool) // 2 + 1])
                site_id = first_visit[1]
                visits = [v for v in pool if v[1] == site_id and v[2] >= first_visit[2]][:2]
        elif sc.population == "site" and sc.status == S.SCHEDULED:
            pool = [v for v in planned if v[0] not in used_visits]
            if pool:
                first_visit = pool[0]
                site_id, direction_id = first_visit[1], first_visit[3]
                visits = [first_visit]
        if direction_id is None:
            direction_id = directions.get(sc.direction or "DPE")
        if direction_id is None:
            continue
        if sc.population == "site" and site_id is None:
            site_id = site_with_agents(direction_id)
        used_visits.update(v[0] for v in visits)

        # Dates, backwards from the visits (or from today for requests still waiting).
        if first_visit is not None and sc.status in (S.DONE, S.ASSESSED):
            created = first_visit[2] - datetime.timedelta(days=rng.randint(20, 40))
        elif sc.status == S.SCHEDULED:
            created = today - datetime.timedelta(days=rng.randint(12, 30))
        elif sc.status in (S.SUBMITTED,):
            created = today - datetime.timedelta(days=rng.randint(1, 6))
        elif sc.status in (S.DONE, S.ASSESSED):
            created = today - datetime.timedelta(days=rng.randint(60, 200))
        else:
            created = today - datetime.timedelta(days=rng.randint(15, 120))
        created = max(created, today - datetime.timedelta(days=360))
        decided = min(created + datetime.timedelta(days=rng.randint(2, 6)), today)
        done_on = None
        if sc.status in (S.DONE, S.ASSESSED):
            done_on = max(v[2] for v in visits) if visits else min(decided + datetime.timedelta(days=30), today)
        assessed = (
            min(done_on + datetime.timedelta(days=rng.randint(4, 15)), today) if sc.status == S.ASSESSED else None
        )
        scheduled_for = visits[0][2] if visits else (done_on if done_on else None)
        if sc.status == S.SCHEDULED and scheduled_for is None:
            scheduled_for = today + datetime.timedelta(days=rng.randint(7, 21))
        decided_states = (S.ACCEPTED, S.DECLINED, S.SCHEDULED, S.DONE, S.ASSESSED)
        planned_states = (S.SCHEDULED, S.DONE, S.ASSESSED)
        requester = hr_users.get(direction_id)
        rating, assessment = rng.choice(ASSESSMENTS) if assessed else (None, "")
        desired = (created + datetime.timedelta(days=14), created + datetime.timedelta(days=90))
        planned_on = scheduled_for.isoformat() if scheduled_for and sc.status in planned_states else None
        note = "Date à confirmer avec le site." if sc.status in planned_states and not visits else ""
        requests.append(
            (
                request_id, _uuid(rng), at(created, 10), at(assessed or done_on or decided, 11), direction_id,
                requester or coordinator.pk, None, sc.title, sc.goal, json.dumps(sorted(sc.categories)), sc.note,
                desired[0].isoformat(), desired[1].isoformat(), sc.constraints, sc.status,
                coordinator.pk if sc.status in decided_states else None,
                at(decided, 15) if sc.status in decided_states else None,
                sc.reason, planned_on, note, done_on.isoformat() if done_on else None, rating, assessment,
                at(assessed, 9) if assessed else None,
            )
        )  # fmt: skip
        for code in sc.topics:
            if code in topics:
                links["topics"].append((request_id, topics[code]))
        if site_id is not None:
            links["sites"].append((request_id, site_id))
        if sc.population == "hr_managers":
            for agent_id in (
                Agent.objects.in_post(today)
                .filter(direction_id=direction_id, job_title=HR_MANAGER_TITLE)
                .order_by("pk")
                .values_list("pk", flat=True)[:60]
            ):
                links["agents"].append((request_id, agent_id))
        for v in visits:
            links["visits"].append((request_id, v[0]))
        if sc.status != S.SUBMITTED:
            author = requester or coordinator.pk
            comments.append(
                (comment_id, request_id, author, rng.choice(COMMENTS_REQUESTER), at(created + datetime.timedelta(1), 9))
            )
            comment_id += 1
            if sc.status in (S.SCHEDULED, S.DONE, S.ASSESSED):
                comments.append((comment_id, request_id, coordinator.pk, rng.choice(COMMENTS_TEAM), at(decided, 16)))
                comment_id += 1
        by_direction[codes[direction_id]] = by_direction.get(codes[direction_id], 0) + 1
        request_id += 1

    bulk.insert(InterventionRequest, REQUEST_FIELDS, requests)
    through = InterventionRequest._meta
    for name, rows in links.items():
        target = through.get_field(name).remote_field.model._meta.model_name
        bulk.insert(getattr(InterventionRequest, name).through, ["interventionrequest", target], rows)
    bulk.insert(Comment, ["id", "request", "author", "body", "created_at"], comments)
    bulk.reset_sequences(InterventionRequest, Comment)
    summary = {
        "demandes": len(requests),
        "par_direction": by_direction,
        "visites_liees": len(links["visits"]),
        "commentaires": len(comments),
    }
    journal_demo_load(action="demo.interventions", label=f"demandes, au {today.isoformat()}", payload=summary)
    ctx.log(
        f"Demandes d'intervention : {len(requests)} de {len(by_direction)} directions, "
        f"{len(links['visits'])} visites liées, {len(comments)} commentaires"
    )


REQUEST_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "direction", "requested_by", "on_behalf_of", "title", "goal",
    "categories", "population_note", "desired_start", "desired_end", "constraints", "status", "decided_by",
    "decided_at", "decision_reason", "scheduled_for", "schedule_note", "done_on", "rating", "assessment",
    "assessed_at",
]  # fmt: skip
