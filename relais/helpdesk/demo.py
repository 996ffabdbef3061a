"""Six months of the assistance line for the demo (DOMAIN.md §1 "next step", §7).

The line opened about six months before the demo's day and grows as posters go up: about 4,000 tickets
for 50,000 agents, mostly phone calls, then e-mails, the public form and walk-ins, on the problems field
agents really have (activating the mailbox, passwords, payslip duplicates…). Every ticket lives through
the real workflow in memory — `services._apply_status` and `sla.refresh` with the configured business
hours, French holidays and targets — up to the demo's "now", so deadlines, pauses, breaches and the
statistics are those the application itself would have computed. Most tickets are closed; the recent
ones are open, waiting or resolved, and a few run late right now.

Called by `manage.py demo_data` (see `relais.demo.context`); bulk inserts only, one journal entry.
"""

import datetime
import uuid
from itertools import accumulate

from django.db import connection
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.models import Agent
from relais.demo import bulk, names
from relais.demo.services import journal_demo_load
from relais.helpdesk import sla
from relais.helpdesk.enums import Channel, MessageKind, Priority, Status
from relais.helpdesk.models import HelpdeskSettings, Survey, Ticket, TicketMessage
from relais.helpdesk.services import LIVE_CHANNELS, _apply_status
from relais.knowledge.enums import Audience
from relais.knowledge.models import Article, Topic

TICKETS_PER_50K = 4_000
LINE_DAYS = 182  # the line opened about six months before the demo's day
CHANNEL_WEIGHTS = {Channel.PHONE: 62, Channel.EMAIL: 16, Channel.WEB: 12, Channel.WALK_IN: 10}
PRIORITY_WEIGHTS = {Priority.NORMAL: 74, Priority.HIGH: 12, Priority.LOW: 11, Priority.URGENT: 3}
# What agents call about (DOMAIN.md §1, §5): the mailbox and passwords far ahead, then payslips.
TOPIC_SUBJECTS = {
    "messagerie": (
        30,
        [
            "Code d'activation de la messagerie non reçu",
            "Première connexion à la messagerie impossible",
            "Installer la messagerie sur le téléphone",
            "Messagerie : identifiant inconnu",
            "Ne reçoit plus les messages de la messagerie",
        ],
    ),
    "mots-de-passe": (
        22,
        [
            "Mot de passe oublié",
            "Compte bloqué après plusieurs essais",
            "Double authentification : changement de téléphone",
            "Mot de passe expiré",
        ],
    ),
    "self-service-rh": (
        16,
        [
            "Duplicata de bulletin de paie",
            "Remboursement des frais de transport",
            "Bulletin de paie introuvable en ligne",
            "Attestation employeur",
        ],
    ),
    "badgeuse": (10, ["Badgeage oublié à corriger", "L'application badgeuse ne s'ouvre pas", "Heures non comptées"]),
    "intranet": (5, ["Accès au portail intranet", "Page de l'intranet introuvable"]),
    "teleservices": (4, ["Téléservice de la ville : compte à créer", "Démarche en ligne bloquée"]),
    "smartphone": (4, ["Paramétrer le smartphone professionnel", "Téléphone : applications à installer"]),
    "hameconnage": (3, ["Message suspect reçu", "A cliqué sur un lien douteux"]),
    "visioconference": (2, ["Rejoindre une visioconférence"]),
    "autre": (4, ["Question diverse", "Demande de renseignement"]),
}
DESCRIPTIONS = [
    "L'agent explique qu'il a essayé plusieurs fois sans y arriver.",
    "Demande faite depuis le site, pendant la pause.",
    "L'agent n'a pas d'ordinateur : uniquement son téléphone personnel.",
    "Déjà signalé à son encadrant, sans solution.",
    "L'agent souhaite être rappelé en fin de matinée.",
    "",
]
REPLIES = [
    "Bonjour,\n\nNous avons bien reçu votre demande. Voici la marche à suivre, pas à pas.\n\nBonne journée,",
    "Bonjour,\n\nC'est réglé de notre côté : pouvez-vous réessayer et nous dire si cela fonctionne ?\n\nBonne journée,",
    "Bonjour,\n\nPour avancer, nous avons besoin d'une précision : répondez à ce message ou rappelez-nous.",
]
SURVEY_COMMENTS = ["Merci, très clair.", "Rapide et efficace.", "Un peu long mais résolu.", "Personne très patiente."]
RATING_WEIGHTS = [6, 7, 12, 30, 45]  # marks 1..5
ANSWER_SHARE = 0.35
FIRST_CONTACT_SHARE = {Channel.PHONE: 0.45, Channel.WALK_IN: 0.55}
LATE_SHARE = 0.08
WAIT_AGENT_SHARE = 0.15
WAIT_IT_SHARE = 0.09
REOPEN_SHARE = 0.03
DUPLICATE_SHARE = 0.02
UNKNOWN_CALLER_SHARE = 0.08
REPEAT_CALLER_SHARE = 0.12
EMAIL_DOMAIN = "paris.example"


class _Draft:
    """A ticket being lived through in memory: the attributes `sla` and `services._apply_status` use.

    Not a `Ticket`: building 4,000 model instances (and their unused default UUIDs) costs more than the SLA
    arithmetic itself.
    """

    is_open = Ticket.is_open

    def __init__(self, **fields):
        self.requester_id = self.direction_id = self.site_id = self.created_by_id = self.assigned_to_id = None
        self.duplicate_of_id = self.escalated_at = self.first_responded_at = self.first_response_due_at = None
        self.resolution_due_at = self.resolved_at = self.closed_at = self.clock_stopped_at = None
        self.due_at = self.warn_at = None
        self.caller_name = self.caller_phone = self.caller_email = self.caller_matricule = self.caller_site = ""
        self.it_reference = ""
        self.paused_seconds = 0
        self.resolved_first_contact = False
        self.status = Status.NEW
        self.__dict__.update(fields)


def _uuid(rng) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _demo_now(as_of: datetime.date) -> datetime.datetime:
    """The demo's "now": the real clock on the real day, else the afternoon of the demo's day."""
    now = timezone.now()
    if as_of >= timezone.localdate(now):
        return now
    return datetime.datetime.combine(as_of, datetime.time(16, 30), tzinfo=timezone.get_current_timezone())


def _agents(ctx, count: int) -> list[tuple]:
    """About `count` agents in post, drawn by id (the whole referential is never read: 2,000,000 agents)."""
    bounds = Agent.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is None:
        return []
    wanted = sorted({ctx.rng.randint(first, last) for _ in range(int(count * 1.3) + 10)})
    rows = []
    for start in range(0, len(wanted), 900):
        rows += list(
            Agent.objects.in_post(ctx.as_of)
            .filter(pk__in=wanted[start : start + 900])
            .order_by("pk")
            .values_list("pk", "direction_id", "site_id", "work_email", "first_name", "last_name", "matricule")
        )
    return rows


def _business_instant(rng, cal, day: datetime.date) -> datetime.datetime | None:
    intervals = cal.intervals_on(day)
    if not intervals:
        return None
    start, end = rng.choice(intervals)
    return start + datetime.timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _any_instant(rng, day: datetime.date, tz) -> datetime.datetime:
    # E-mails and the public form: office hours mostly, evenings too (agents write after their shift).
    hour = rng.choices(range(6, 23), weights=[1, 3, 6, 8, 8, 7, 5, 6, 7, 7, 6, 5, 4, 4, 3, 2, 1])[0]
    return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=tz)


def _plan(rng, ticket: _Draft, config: sla.SlaConfig) -> list[tuple[datetime.datetime, str]]:
    """The events of a ticket's life, dated in business time from its creation (some may lie after now)."""
    cal, t0 = config.calendar, ticket.created_at
    first_target, resolution_target = config.targets[ticket.priority]

    def at(minutes: float) -> datetime.datetime:
        return cal.add(t0, datetime.timedelta(minutes=minutes))

    events = []
    late = rng.random() < LATE_SHARE
    running = resolution_target * (rng.uniform(1.05, 2.5) if late else min(rng.betavariate(1.3, 3.2) * 1.4, 0.97))
    running = max(running, 10)
    if ticket.channel in LIVE_CHANNELS:
        replied = 0.0
    else:
        late_reply = rng.random() < LATE_SHARE
        replied = first_target * (rng.uniform(1.05, 2.0) if late_reply else rng.betavariate(1.5, 3) * 0.97)
        events.append((at(replied * 0.6), "assign"))
        events.append((at(replied), "reply"))
        running = max(running, replied + 5)
    paused = 0.0
    draw = rng.random()
    if draw < WAIT_AGENT_SHARE + WAIT_IT_SHARE:
        third_party = draw >= WAIT_AGENT_SHARE
        start = replied + (running - replied) * rng.uniform(0.1, 0.6)
        paused = rng.uniform(5, 40) * 60 if third_party else rng.uniform(2, 20) * 60
        events.append((at(start), "it" if third_party else "wait"))
        events.append((at(start + paused), "resume"))
    resolved = at(running + paused)
    events.append((resolved, "resolve"))
    if rng.random() < REOPEN_SHARE:
        reopened = resolved + datetime.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
        events.append((reopened, "reopen"))
        resolved = cal.add(reopened, datetime.timedelta(minutes=rng.uniform(60, 8 * 60)))
        events.append((resolved, "resolve"))
    events.append((resolved + datetime.timedelta(days=rng.randint(2, 7), hours=rng.randint(0, 8)), "close"))
    return events


def build(ctx) -> None:
    rng = ctx.rng
    operators = list(
        User.objects.filter(role=Role.HELPDESK, is_active=True).order_by("pk").values_list("pk", flat=True)
    ) or list(User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("pk").values_list("pk", flat=True))
    if not operators:
        ctx.log("Assistance : personne pour répondre (ni opérateur ni médiateur), rien à générer")
        return
    n_tickets = max(10, round(TICKETS_PER_50K * ctx.agents / 50_000))
    agents = _agents(ctx, n_tickets)
    if not agents:
        ctx.log("Assistance : aucun agent, rien à générer")
        return
    config = sla.load_config()
    cal = config.calendar
    tz = timezone.get_current_timezone()
    now = _demo_now(ctx.as_of)
    helpdesk = HelpdeskSettings.current()
    topics = dict(Topic.objects.values_list("code", "pk"))
    guides: dict[int, list[int]] = {}
    for pk, topic_id in Article.objects.filter(is_published=True, audience=Audience.AGENT).values_list(
        "pk", "topic_id"
    ):
        guides.setdefault(topic_id, []).append(pk)
    subjects = [(code, spec[1]) for code, spec in TOPIC_SUBJECTS.items() if code in topics]
    topic_cum = list(accumulate(TOPIC_SUBJECTS[code][0] for code, _ in subjects))
    channels, channel_cum = list(CHANNEL_WEIGHTS), list(accumulate(CHANNEL_WEIGHTS.values()))
    priorities, priority_cum = list(PRIORITY_WEIGHTS), list(accumulate(PRIORITY_WEIGHTS.values()))
    first_day = ctx.as_of - datetime.timedelta(days=LINE_DAYS - 1)
    days = [first_day + datetime.timedelta(days=i) for i in range(LINE_DAYS)]
    # More calls as posters go up; few on weekends (the line is closed, only mail and the form).
    day_cum = list(accumulate((0.35 + i / LINE_DAYS) * (1.0 if d.weekday() < 5 else 0.15) for i, d in enumerate(days)))
    female, male, last_names = names.FIRST_NAMES_FEMALE[:80], names.FIRST_NAMES_MALE[:80], names.LAST_NAMES[:300]

    drafts = []  # (ticket, its events)
    used: list[tuple] = []
    for _ in range(n_tickets):
        channel = rng.choices(channels, cum_weights=channel_cum)[0]
        day = rng.choices(days, cum_weights=day_cum)[0]
        created = _business_instant(rng, cal, day) if channel in LIVE_CHANNELS else _any_instant(rng, day, tz)
        if created is None:  # a holiday or a weekend: e-mail instead of a call
            channel, created = Channel.EMAIL, _any_instant(rng, day, tz)
        if created > now:
            created = now - datetime.timedelta(minutes=rng.randint(5, 180))
        code, titles = rng.choices(subjects, cum_weights=topic_cum)[0]
        agent = None
        if rng.random() >= UNKNOWN_CALLER_SHARE or channel == Channel.EMAIL:
            agent = rng.choice(used) if used and rng.random() < REPEAT_CALLER_SHARE else agents[len(used) % len(agents)]
            used.append(agent)
            if channel == Channel.EMAIL and not agent[3]:
                channel = Channel.PHONE  # no mailbox: the agent calls
                created = _business_instant(rng, cal, day) or created
                if created > now:
                    created = now - datetime.timedelta(minutes=rng.randint(5, 180))
        ticket = _Draft(
            channel=channel,
            priority=rng.choices(priorities, cum_weights=priority_cum)[0],
            subject=rng.choice(titles),
            description=rng.choice(DESCRIPTIONS),
            status=Status.NEW,
            created_at=created,
            category_id=topics[code],
        )
        if agent is not None:
            ticket.requester_id, ticket.direction_id, ticket.site_id = agent[0], agent[1], agent[2]
            if channel in {Channel.EMAIL, Channel.WEB} and agent[3]:
                ticket.caller_email = agent[3]
        else:
            first = rng.choice(female if rng.random() < 0.6 else male)
            ticket.caller_name = f"{first} {rng.choice(last_names)}"
            ticket.caller_phone = (
                f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            )
        if channel in LIVE_CHANNELS:
            ticket.created_by_id = rng.choice(operators)
            ticket.first_responded_at = created
        sla.refresh(ticket, config)
        if channel in LIVE_CHANNELS and rng.random() < FIRST_CONTACT_SHARE[channel]:
            ticket.resolved_first_contact = True
            ticket.assigned_to_id = ticket.created_by_id
            events = [(created, "resolve")]
            events.append((created + datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 8)), "close"))
        else:
            if channel in LIVE_CHANNELS:
                ticket.assigned_to_id, ticket.status = ticket.created_by_id, Status.ASSIGNED
            events = _plan(rng, ticket, config)
        drafts.append((ticket, events))
        if agent is not None and channel in {Channel.EMAIL, Channel.WEB} and rng.random() < DUPLICATE_SHARE:
            again = _Draft(
                channel=channel,
                priority=ticket.priority,
                subject=ticket.subject,
                description="Je renvoie ma demande.",
                status=Status.NEW,
                created_at=min(created + datetime.timedelta(hours=rng.randint(1, 20)), now),
                category_id=ticket.category_id,
                requester_id=agent[0],
                direction_id=agent[1],
                site_id=agent[2],
                caller_email=ticket.caller_email,
            )
            sla.refresh(again, config)
            drafts.append((again, [(again.created_at + datetime.timedelta(minutes=40), "duplicate")]))

    drafts.sort(key=lambda d: d[0].created_at)
    ticket_id, message_id, survey_id = bulk.next_id(Ticket), bulk.next_id(TicketMessage), bulk.next_id(Survey)
    db_dt = connection.ops.adapt_datetimefield_value
    emails = {a[0]: a[3] for a in agents if a[3]}
    tickets, messages, surveys, links = [], [], [], []
    originals: dict[tuple, int] = {}  # (requester, subject) -> id, for duplicates
    counts = dict.fromkeys(Status, 0)

    def message(kind, at, body, author=None, email_id="", sender=""):
        nonlocal message_id
        messages.append((message_id, ticket_id, kind, author, body, db_dt(at), email_id, sender))
        message_id += 1

    for ticket, events in drafts:
        ticket.pk = ticket_id
        operator = ticket.created_by_id or rng.choice(operators)
        last = ticket.created_at
        if ticket.channel == Channel.EMAIL:
            message(
                MessageKind.INCOMING,
                ticket.created_at,
                ticket.description or ticket.subject,
                email_id=f"<demo-{ticket_id}@{EMAIL_DOMAIN}>",
                sender=ticket.caller_email,
            )
        elif ticket.channel == Channel.WEB and ticket.description:
            message(MessageKind.INCOMING, ticket.created_at, ticket.description)
        for at, action in events:
            if at > now:
                break
            last = at
            if action == "assign":
                ticket.assigned_to_id = operator
                if ticket.status == Status.NEW:
                    ticket.status = Status.ASSIGNED
            elif action == "reply":
                ticket.assigned_to_id = ticket.assigned_to_id or operator
                ticket.first_responded_at = at
                message(MessageKind.REPLY, at, REPLIES[0], author=ticket.assigned_to_id)
                _apply_status(ticket, Status.IN_PROGRESS, at, config)
            elif action == "wait":
                message(MessageKind.REPLY, at, REPLIES[2], author=ticket.assigned_to_id or operator)
                _apply_status(ticket, Status.WAITING_AGENT, at, config)
            elif action == "it":
                ticket.it_reference = f"INC{rng.randint(1_000_000, 9_999_999)}"
                ticket.escalated_at = at
                message(
                    MessageKind.NOTE, at, f"Transmis au support informatique ({ticket.it_reference}).", author=operator
                )
                _apply_status(ticket, Status.WAITING_THIRD_PARTY, at, config)
            elif action == "resume":
                if ticket.status == Status.WAITING_AGENT:
                    message(MessageKind.INCOMING, at, "Voici la précision demandée.", sender=ticket.caller_email)
                _apply_status(ticket, Status.IN_PROGRESS, at, config)
            elif action == "resolve":
                ticket.assigned_to_id = ticket.assigned_to_id or operator
                if ticket.status != Status.NEW or not ticket.resolved_first_contact:
                    message(MessageKind.REPLY, at, REPLIES[1], author=ticket.assigned_to_id)
                _apply_status(ticket, Status.RESOLVED, at, config)
            elif action == "reopen":
                message(MessageKind.INCOMING, at, "Cela ne fonctionne toujours pas.", sender=ticket.caller_email)
                _apply_status(ticket, Status.REOPENED, at, config)
            elif action == "close":
                _apply_status(ticket, Status.CLOSED, at, config)
            elif action == "duplicate":
                original = originals.get((ticket.requester_id, ticket.subject))
                if original is None:  # the original was itself a duplicate: treat this one as any other
                    _apply_status(ticket, Status.RESOLVED, at, config)
                    continue
                ticket.duplicate_of_id = original
                _apply_status(ticket, Status.DUPLICATE, at, config)
        if ticket.requester_id and ticket.status != Status.DUPLICATE:
            originals.setdefault((ticket.requester_id, ticket.subject), ticket_id)
        counts[ticket.status] += 1
        address = emails.get(ticket.requester_id) or ticket.caller_email
        if ticket.resolved_at is not None and address and rng.random() * 100 < helpdesk.survey_rate_percent:
            send_after = ticket.resolved_at + datetime.timedelta(hours=helpdesk.survey_delay_hours)
            sent = send_after if send_after <= now else None
            answered = sent + datetime.timedelta(hours=rng.randint(1, 72)) if sent else None
            rating, comment = None, ""
            if answered is not None and answered <= now and rng.random() < ANSWER_SHARE:
                rating = rng.choices(range(1, 6), weights=RATING_WEIGHTS)[0]
                comment = rng.choice(SURVEY_COMMENTS) if rng.random() < 0.2 else ""
            else:
                answered = None
            surveys.append(
                (survey_id, _uuid(rng), ticket_id, db_dt(send_after), db_dt(sent) if sent else None,
                 db_dt(answered) if answered else None, rating, comment)
            )  # fmt: skip
            survey_id += 1
        if ticket.category_id in guides and rng.random() < 0.3:
            links.append((ticket_id, rng.choice(guides[ticket.category_id])))
        tickets.append(
            (
                ticket_id, _uuid(rng), db_dt(ticket.created_at), db_dt(last), ticket.requester_id, ticket.caller_name,
                ticket.caller_phone, ticket.caller_email, ticket.caller_matricule, ticket.caller_site,
                ticket.direction_id, ticket.site_id, ticket.created_by_id,
                ticket.channel, ticket.category_id, ticket.priority, ticket.subject, ticket.description, ticket.status,
                ticket.assigned_to_id, ticket.duplicate_of_id, ticket.it_reference,
                _opt(db_dt, ticket.escalated_at), ticket.resolved_first_contact,
                _opt(db_dt, ticket.first_responded_at), _opt(db_dt, ticket.first_response_due_at),
                _opt(db_dt, ticket.resolution_due_at), _opt(db_dt, ticket.resolved_at), _opt(db_dt, ticket.closed_at),
                _opt(db_dt, ticket.clock_stopped_at), ticket.paused_seconds, _opt(db_dt, ticket.due_at),
                _opt(db_dt, ticket.warn_at),
            )
        )  # fmt: skip
        ticket_id += 1

    bulk.insert(Ticket, TICKET_FIELDS, tickets)
    bulk.insert(TicketMessage, MESSAGE_FIELDS, messages)
    bulk.insert(Survey, SURVEY_FIELDS, surveys)
    bulk.insert(Ticket.articles.through, ["ticket", "article"], links)
    bulk.reset_sequences(Ticket, TicketMessage, Survey)
    open_count = sum(n for s, n in counts.items() if s not in {Status.RESOLVED, Status.CLOSED, Status.DUPLICATE})
    breached = sum(1 for t, _ in drafts if t.due_at is not None and t.due_at <= now)
    answered = sum(1 for s in surveys if s[6] is not None)
    summary = {
        "tickets": len(tickets),
        "ouverts": open_count,
        "en_retard": breached,
        "clos": counts[Status.CLOSED],
        "messages": len(messages),
        "enquetes": len(surveys),
        "reponses": answered,
    }
    journal_demo_load(action="demo.helpdesk", label=f"assistance, au {ctx.as_of.isoformat()}", payload=summary)
    ctx.log(
        f"Assistance : {len(tickets)} tickets ({open_count} ouverts dont {breached} en retard), "
        f"{len(messages)} messages, {len(surveys)} enquêtes ({answered} réponses)"
    )


def _opt(convert, value):
    return None if value is None else convert(value)


TICKET_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "requester", "caller_name", "caller_phone", "caller_email",
    "caller_matricule", "caller_site", "direction", "site", "created_by", "channel", "category", "priority",
    "subject", "description", "status",
    "assigned_to", "duplicate_of", "it_reference", "escalated_at", "resolved_first_contact", "first_responded_at",
    "first_response_due_at", "resolution_due_at", "resolved_at", "closed_at", "clock_stopped_at", "paused_seconds",
    "due_at", "warn_at",
]  # fmt: skip
MESSAGE_FIELDS = ["id", "ticket", "kind", "author", "body", "created_at", "email_message_id", "sender_email"]
SURVEY_FIELDS = ["id", "public_id", "ticket", "send_after", "sent_at", "answered_at", "rating", "comment"]
