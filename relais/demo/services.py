"""Loading the demo organisation and the demo accounts. Demo mode only (settings.RELAIS_DEMO)."""

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.adoption.models import Observation, Tool, ToolAccount
from relais.agents.models import Agent, HRManager
from relais.demo import bulk, catalogue, generator, geography, names
from relais.demo.context import DemoContext, discover_builders
from relais.journal.models import Entry
from relais.organisation.models import Direction, GatheringTime, OpeningHours, Service, Site

MEDIATORS = 10
TOOLS = {
    "messagerie": "Messagerie professionnelle",
    "badgeuse": "Application badgeuse",
    "self-service-rh": "Self-service RH",
    "intranet": "Portail intranet",
}


class DemoRefused(Exception):
    """The demo cannot be loaded here; the message says why, in French."""


def ensure_demo_mode() -> None:
    if not settings.RELAIS_DEMO:
        raise DemoRefused(
            "Mode démonstration désactivé : les données et comptes de démonstration ne se créent que si "
            "RELAIS_DEMO=true (jamais en production)."
        )


def journal_demo_load(*, action: str, label: str, payload: dict[str, Any]) -> Entry:
    """ONE journal entry summarising a bulk demo load (not one per row); inside the load's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal_demo_load must run inside the transaction of the load it records")
    return Entry.objects.create(
        acting_user=None,
        action=action,
        object_type="demo.dataset",
        object_id=label[:64],
        object_repr=f"Données de démonstration ({label})"[:200],
        payload=payload,
    )


def _directions() -> dict[str, int]:
    ids = {}
    for spec in catalogue.DIRECTIONS:
        direction, _ = Direction.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
        ids[spec.code] = direction.pk
    return ids


def _services(directions: dict[str, int]) -> dict[tuple[str, str], int]:
    wanted = []
    for spec in catalogue.DIRECTIONS:
        service_names = [*spec.central_services, spec.hr_service]
        if spec.territorial:
            service_names += [spec.territorial.format(zone=zone) for zone in geography.ZONES]
        wanted += [(spec.code, name) for name in dict.fromkeys(service_names)]
    code_of = {pk: code for code, pk in directions.items()}
    existing = {
        (code_of[d], name): pk
        for pk, d, name in Service.objects.filter(direction_id__in=directions.values()).values_list(
            "pk", "direction_id", "name"
        )
    }
    missing = [
        Service(direction_id=directions[code], name=name) for code, name in wanted if (code, name) not in existing
    ]
    Service.objects.bulk_create(missing)
    return {
        (code_of[d], name): pk
        for pk, d, name in Service.objects.filter(direction_id__in=directions.values()).values_list(
            "pk", "direction_id", "name"
        )
    }


def _tools() -> dict[str, int]:
    ids = {}
    for position, (code, name) in enumerate(TOOLS.items(), start=1):
        tool, _ = Tool.objects.get_or_create(code=code, defaults={"name": name, "position": position})
        ids[code] = tool.pk
    return ids


def _mediators(seed: int) -> list[str]:
    """Ten mediators (agents in professional retraining, DOMAIN.md §1) who log in by SSO or a reset link."""
    rng = generator.stream(seed, "mediators")
    female = list(dict.fromkeys(names.FIRST_NAMES_FEMALE))[:60]
    male = list(dict.fromkeys(names.FIRST_NAMES_MALE))[:60]
    last_names = list(dict.fromkeys(names.LAST_NAMES))
    taken = set(User.objects.values_list("username", flat=True))
    users = []
    while len(users) < MEDIATORS:
        first = rng.choice(female if rng.random() < 0.6 else male)
        last = rng.choice(last_names)
        username = f"{generator.slug(first)}.{generator.slug(last)}"
        if username in taken:
            continue
        taken.add(username)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{generator.MAIL_DOMAIN}",
            role=Role.MEDIATOR,
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    return [u.username for u in users]


BASE_SOURCES = ("ad", "m365", "demo")


def _mailboxes_in_post(as_of: datetime.date):
    return ToolAccount.objects.filter(tool__code="messagerie", agent__in=Agent.objects.in_post(as_of))


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %".replace(".", ",")


def headline(as_of: datetime.date) -> str:
    """The figures the demo promises (DOMAIN.md §1), as finally loaded, areas' history included."""
    agents = Agent.objects.count()
    mailboxes = ToolAccount.objects.filter(tool__code="messagerie").count()
    in_post = _mailboxes_in_post(as_of)
    total, activated = in_post.count(), in_post.activated_on_day(as_of).count()
    return (
        f"Messageries : {mailboxes} pour {agents} agents ({_percent(mailboxes / agents if agents else 0)}) ; "
        f"activées au {as_of:%d/%m/%Y} : {_percent(activated / total if total else 0)} de celles des agents "
        "en poste"
    )


def calibrate_activation(*, seed: int, as_of: datetime.date) -> int:
    """Bring the activation rate of mailboxes in post back to 37 % after the areas' history; returns how many changed.

    The reference case's 37 % is the city-wide figure *including* the agents the mediators helped
    (DOMAIN.md §1). When an area's builder adds activations (a mediator activating a mailbox during a
    visit), as many activations of agents no area touched — drawn at random among those of the year —
    are withdrawn from the base history: their sign-in observations go, a "still not activated"
    directory observation on the as-of date takes their place. Accounts touched by an area are never
    changed; facts stay equal to what `accounts_refresh` derives from the history.
    """
    in_post = _mailboxes_in_post(as_of)
    total = in_post.count()
    excess = in_post.activated_on_day(as_of).count() - round(total * generator.ACTIVATION_SHARE)
    if excess <= 0:
        return 0
    # Set difference in Python: `NOT IN (subquery)` over millions of observations is quadratic on PostgreSQL.
    touched = set(Observation.objects.exclude(source__in=BASE_SOURCES).values_list("account_id", flat=True))
    year_start = as_of - datetime.timedelta(days=generator.HISTORY_DAYS)
    candidates = [
        pk
        for pk in in_post.activated_on_day(as_of)
        .filter(activated_on__gt=year_start)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=20_000)
        if pk not in touched
    ]
    chosen = sorted(generator.stream(seed, "calibration").sample(candidates, min(excess, len(candidates))))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for start in range(0, len(chosen), 900):
        chunk = chosen[start : start + 900]
        Observation.objects.filter(account_id__in=chunk, source="m365").delete()
        ToolAccount.objects.filter(pk__in=chunk).update(activated_on=None, last_activity_on=None)
        seen = set(
            Observation.objects.filter(account_id__in=chunk, source="ad", as_of=as_of).values_list(
                "account_id", flat=True
            )
        )
        provisioned = dict(ToolAccount.objects.filter(pk__in=chunk).values_list("pk", "provisioned_on"))
        bulk.insert(
            Observation,
            generator.OBSERVATION_FIELDS,
            [
                (pk, "ad", as_of.isoformat(), provisioned[pk].isoformat(), None, None, False, "demo", now)
                for pk in chunk
                if pk not in seen
            ],
        )
    return len(chosen)


def demo_load(
    *, agents: int, seed: int, as_of: datetime.date, log: Callable[[str], None] = lambda message: None
) -> dict[str, Any]:
    """Build the demo organisation in bulk, then let each area add its history (`relais.demo.context`).

    Rules: demo mode only; refused when agents already exist (the demo never mixes with real data);
    same seed and as-of date give the same data; one journal entry for the whole load (plus one per
    area and one if the activation rate had to be brought back to 37 % after the areas' history).
    """
    ensure_demo_mode()
    if agents < 1:
        raise DemoRefused("Le nombre d'agents doit être au moins 1.")
    existing = Agent.objects.count()
    if existing:
        raise DemoRefused(
            f"La base contient déjà {existing} agents : les données de démonstration ne se chargent que dans "
            "une base sans agent (utilisez --if-empty pour ne rien faire dans ce cas)."
        )
    started = time.perf_counter()
    step = [started]

    def done(message: str) -> None:
        now = time.perf_counter()
        log(f"{message} ({now - step[0]:.1f} s)")
        step[0] = now

    gen = generator.DemoGenerator(seed=seed, as_of=as_of, agents=agents)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    summary: dict[str, Any] = {"agents": agents, "graine": seed, "au": as_of.isoformat()}
    with transaction.atomic():
        directions = _directions()
        services = _services(directions)
        tools = _tools()
        gen.build_sites(first_id=bulk.next_id(Site))
        summary["sites"] = bulk.insert(Site, generator.SITE_FIELDS, gen.site_rows(now=now, directions=directions))
        opening, gathering = gen.hours_rows()
        bulk.insert(OpeningHours, generator.OPENING_FIELDS, opening)
        bulk.insert(GatheringTime, generator.GATHERING_FIELDS, gathering)
        done(f"Directions : {len(directions)}, services : {len(services)}, sites : {summary['sites']}")
        gen.build_skeleton(services=services)
        gen.draw_adoption()
        done("Affectations et tirages d'adoption")
        counts = {"agents": 0, "comptes": 0, "observations": 0}
        for chunk in gen.chunks(
            first_agent_id=bulk.next_id(Agent),
            first_account_id=bulk.next_id(ToolAccount),
            directions=directions,
            tools=tools,
            now=now,
            first_hr_manager_id=bulk.next_id(HRManager),
        ):
            counts["agents"] += bulk.insert(Agent, generator.AGENT_FIELDS, chunk.agents)
            counts["comptes"] += bulk.insert(ToolAccount, generator.ACCOUNT_FIELDS, chunk.accounts)
            counts["observations"] += bulk.insert(Observation, generator.OBSERVATION_FIELDS, chunk.observations)
        # After the agents: both databases check foreign keys at commit, and the managers' agents now exist.
        counts["gestionnaires_rh"] = bulk.insert(HRManager, generator.HR_MANAGER_FIELDS, gen.hr_rows)
        bulk.reset_sequences(Site, Agent, ToolAccount, HRManager)
        done(
            f"Agents : {counts['agents']}, comptes : {counts['comptes']} "
            f"(dont {len(gen.mailbox)} boîtes aux lettres), observations : {counts['observations']}"
        )
        summary.update(counts, messageries=len(gen.mailbox), messageries_activees=len(gen.activated))
        summary["mediateurs"] = _mediators(seed)
        journal_demo_load(action="demo.load", label=f"graine {seed}, au {as_of.isoformat()}", payload=summary)
    bulk.analyze()
    done("Médiateurs, journal et statistiques")
    for label, build in discover_builders():
        ctx = DemoContext.for_app(label, seed=seed, as_of=as_of, agents=agents, vendor=connection.vendor, log=log)
        with transaction.atomic():
            build(ctx)
        done(f"Historique « {label} »")
    with transaction.atomic():
        withdrawn = calibrate_activation(seed=seed, as_of=as_of)
        if withdrawn:
            summary["activations_retirees"] = withdrawn
            journal_demo_load(
                action="demo.calibrate",
                label=f"graine {seed}, au {as_of.isoformat()}",
                payload={"activations_retirees": withdrawn, "raison": "taux d'activation ramené à 37 %"},
            )
            done(f"Taux d'activation ramené à 37 % : {withdrawn} activations de l'historique de base retirées")
    log(headline(as_of))
    summary["duree_s"] = round(time.perf_counter() - started, 1)
    return summary


DEMO_ACCOUNTS = [
    # username, role, first name, last name
    ("admin", Role.ADMIN, "Thomas", "Leroy"),
    ("coordination", Role.COORDINATOR, "Hélène", "Marchand"),
    ("mediation", Role.MEDIATOR, "Nadia", "Traoré"),
    ("rh", Role.HR, "Karim", "Benali"),
    ("assistance", Role.HELPDESK, "Julie", "Fontaine"),
]
HR_DIRECTION = "DPE"


def demo_accounts_ensure(*, password: str) -> list[User]:
    """Create or update one account per role with `password`; idempotent.

    `mediation` is one of the demo's mediators (the first one, renamed) when the demo data exists;
    `rh` is the HR correspondent of DPE and of DPE only.
    """
    ensure_demo_mode()
    users = []
    changed = []
    with transaction.atomic():
        dpe, _ = Direction.objects.get_or_create(
            code=HR_DIRECTION, defaults={"name": catalogue.DIRECTIONS_BY_CODE[HR_DIRECTION].name}
        )
        for username, role, first_name, last_name in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None and role == Role.MEDIATOR:
                reserved = [u for u, *_ in DEMO_ACCOUNTS]
                user = User.objects.filter(role=Role.MEDIATOR).exclude(username__in=reserved).order_by("pk").first()
                if user is not None:
                    user.username = username
            if user is None:
                user = User(username=username, first_name=first_name, last_name=last_name)
            before = (user.pk, user.username, user.role, user.is_staff, user.is_superuser, user.is_active)
            user.role = role
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.is_active = True
            password_changed = not user.check_password(password)
            if password_changed:
                user.set_password(password)
            if password_changed or before != (user.pk, username, role, user.is_staff, user.is_superuser, True):
                user.save()
                changed.append(username)
            if role == Role.HR and list(user.directions.values_list("pk", flat=True)) != [dpe.pk]:
                user.directions.set([dpe])
                if username not in changed:
                    changed.append(username)
            users.append(user)
        if changed:
            journal_demo_load(action="demo.accounts", label="comptes de démonstration", payload={"comptes": changed})
    return users
