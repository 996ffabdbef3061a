"""Every write on tickets: journaled in the same transaction, e-mails sent once the transaction commits."""

import datetime
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from relais.core.identifiers import identifiers_named
from relais.helpdesk import notifications, sla
from relais.helpdesk.enums import PAUSED_STATUSES, TRANSITIONS, Channel, MessageKind, Priority, Status
from relais.helpdesk.models import HelpdeskSettings, Survey, Ticket, TicketMessage
from relais.helpdesk.permissions import (
    can_add_note,
    can_assign_ticket,
    can_change_ticket,
    can_reply_ticket,
    can_set_status,
)
from relais.journal.services import journal_record, model_changes

# A person answered the agent there and then: the first response is the call itself.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN})


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _requester_fields(agent) -> dict:
    return {"requester": agent, "direction_id": agent.direction_id, "site_id": agent.site_id}


def ticket_create(
    *,
    acting_user,
    channel: str,
    subject: str,
    description: str = "",
    requester=None,
    caller_name: str = "",
    caller_phone: str = "",
    caller_email: str = "",
    caller_matricule: str = "",
    caller_site: str = "",
    site=None,
    category=None,
    priority: str = Priority.NORMAL,
    assigned_to=None,
    resolved_first_contact: bool = False,
    email_message_id: str = "",
    config: sla.SlaConfig | None = None,
    now: datetime.datetime | None = None,
) -> Ticket:
    """Open a ticket for an agent (or an unknown caller); the SLA clock starts now.

    A phone call or a walk-in counts as the first response; one solved during the call is resolved at once.
    """
    if requester is None and not (caller_name or caller_phone or caller_email):
        raise ValidationError("Indiquez l'agent, ou au moins le nom, le téléphone ou le courriel de la personne.")
    now = _now(now)
    config = config or sla.load_config()
    ticket = Ticket(
        channel=channel,
        subject=subject.strip()[:200] or "Demande d'assistance",
        description=description,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_email=caller_email,
        caller_matricule=caller_matricule,
        caller_site=caller_site,
        category=category,
        priority=priority,
        created_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        created_at=now,
    )
    if requester is not None:
        for name, value in _requester_fields(requester).items():
            setattr(ticket, name, value)
    if site is not None:
        ticket.site = site
        ticket.direction_id = ticket.direction_id or site.direction_id
    if assigned_to is not None:
        ticket.assigned_to = assigned_to
        ticket.status = Status.ASSIGNED
    if channel in LIVE_CHANNELS and ticket.created_by is not None:
        ticket.first_responded_at = now
    with transaction.atomic():
        if resolved_first_contact:
            ticket.status = Status.RESOLVED
            ticket.resolved_first_contact = True
            ticket.resolved_at = now
            ticket.first_responded_at = ticket.first_responded_at or now
            sla.refresh(ticket, config)
            sla.stop_clock(ticket, now)
        else:
            sla.refresh(ticket, config)
        ticket.save()
        if email_message_id or (description and channel == Channel.EMAIL):
            TicketMessage.objects.create(
                ticket=ticket,
                kind=MessageKind.INCOMING,
                body=description,
                email_message_id=email_message_id,
                sender_email=caller_email,
            )
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_create",
            obj=ticket,
            payload={"channel": channel, "requester": requester.pk if requester else None, "status": ticket.status},
        )
        if resolved_first_contact:
            _draw_survey(ticket, now)
        if channel in {Channel.EMAIL, Channel.WEB}:
            transaction.on_commit(lambda: notifications.ticket_acknowledged(ticket.pk))
        if assigned_to is not None:
            transaction.on_commit(lambda: notifications.ticket_assigned(ticket.pk))
    return ticket


def ticket_assign(*, acting_user, ticket: Ticket, assignee) -> Ticket:
    """Give the ticket to an operator (or take it back with `assignee=None`); a new ticket becomes "assigned"."""
    if not can_assign_ticket(acting_user, ticket):
        raise PermissionDenied
    before = ticket.assigned_to_id
    with transaction.atomic():
        ticket.assigned_to = assignee
        if assignee is not None and ticket.status == Status.NEW:
            ticket.status = Status.ASSIGNED
        ticket.save(update_fields=["assigned_to", "status", "updated_at"])
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_assign",
            obj=ticket,
            payload={"from": before, "to": assignee.pk if assignee else None},
        )
        if assignee is not None and assignee != acting_user:
            transaction.on_commit(lambda: notifications.ticket_assigned(ticket.pk))
    return ticket


def _apply_status(ticket: Ticket, status: str, now: datetime.datetime, config: sla.SlaConfig) -> None:
    old = ticket.status
    if old in sla.CLOCK_STOPPED and not (old in PAUSED_STATUSES and status in PAUSED_STATUSES):
        sla.restart_clock(ticket, now, config)
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution_due_at = None  # recomputed below, then kept for the compliance figures
        ticket.first_responded_at = ticket.first_responded_at or now
    elif status == Status.REOPENED:
        ticket.resolved_at = None
        ticket.resolution_due_at = None
    elif status == Status.CLOSED:
        ticket.closed_at = now
    if status in sla.CLOCK_STOPPED:
        sla.stop_clock(ticket, now)
    sla.refresh(ticket, config)


def ticket_set_status(
    *,
    acting_user,
    ticket: Ticket,
    status: str,
    duplicate_of: Ticket | None = None,
    now: datetime.datetime | None = None,
    config: sla.SlaConfig | None = None,
) -> Ticket:
    """Move the ticket along its workflow (DOMAIN.md §7); refused moves raise ValidationError.

    Waiting for the agent or a third party stops the resolution clock; a duplicate names its original.
    """
    if status not in TRANSITIONS.get(ticket.status, frozenset()):
        raise ValidationError(f"Passage impossible de « {ticket.get_status_display()} » à « {Status(status).label} ».")
    if not can_set_status(acting_user, ticket, status):
        raise PermissionDenied
    if status == Status.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == ticket.pk:
            raise ValidationError("Indiquez le ticket d'origine, différent de celui-ci.")
        if duplicate_of.status == Status.DUPLICATE:
            duplicate_of = duplicate_of.duplicate_of
        ticket.duplicate_of = duplicate_of
    now = _now(now)
    config = config or sla.load_config()
    old = ticket.status
    with transaction.atomic():
        _apply_status(ticket, status, now, config)
        ticket.save()
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_set_status",
            obj=ticket,
            payload={"from": old, "to": status, "duplicate_of": duplicate_of.pk if duplicate_of else None},
        )
        if status == Status.RESOLVED:
            _draw_survey(ticket, now)
            transaction.on_commit(lambda: notifications.ticket_resolved(ticket.pk))
    return ticket


def ticket_reply(
    *,
    acting_user,
    ticket: Ticket,
    body: str,
    next_status: str | None = None,
    now: datetime.datetime | None = None,
    config: sla.SlaConfig | None = None,
) -> TicketMessage:
    """Answer the agent (e-mailed when an address is known); the first answer meets the first-response target."""
    if not can_reply_ticket(acting_user, ticket):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError("La réponse est vide.")
    now = _now(now)
    config = config or sla.load_config()
    if next_status is None and ticket.status in {Status.NEW, Status.ASSIGNED, Status.REOPENED}:
        next_status = Status.IN_PROGRESS
    if (
        next_status is not None
        and next_status != ticket.status
        and next_status not in TRANSITIONS.get(ticket.status, frozenset())
    ):
        raise ValidationError(
            f"Passage impossible de « {ticket.get_status_display()} » à « {Status(next_status).label} »."
        )
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket,
            kind=MessageKind.REPLY,
            author=acting_user,
            body=body,
            email_message_id=notifications.new_message_id() if ticket.requester_email else "",
        )
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        old = ticket.status
        if next_status is not None and next_status != old:
            _apply_status(ticket, next_status, now, config)
        else:
            sla.refresh(ticket, config)
        ticket.save()
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_reply",
            obj=ticket,
            payload={"message": message.pk, "from": old, "to": ticket.status},
        )
        if ticket.status == Status.RESOLVED and old != Status.RESOLVED:
            _draw_survey(ticket, now)
        if message.email_message_id:
            transaction.on_commit(lambda: notifications.reply_sent(message.pk))
    return message


def ticket_add_note(*, acting_user, ticket: Ticket, body: str) -> TicketMessage:
    """An internal note: never sent, never shown to HR correspondents. No health data, no passwords."""
    if not can_add_note(acting_user, ticket):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError("La note est vide.")
    with transaction.atomic():
        message = TicketMessage.objects.create(ticket=ticket, kind=MessageKind.NOTE, author=acting_user, body=body)
        journal_record(
            acting_user=acting_user, action="helpdesk.ticket_add_note", obj=ticket, payload={"message": message.pk}
        )
    return message


def ticket_note_masked(*, ticket: Ticket, kinds: set[str]) -> TicketMessage:
    """The internal note left by an e-mail whose NIR or IBAN was masked: what was removed, never its value."""
    what = identifiers_named(kinds)
    body = (
        f"Le courriel reçu contenait {what} : Relais l'a masqué avant de l'enregistrer, car il ne conserve pas "
        "ces données. Si l'agent en a besoin pour sa démarche, dites-lui de ne pas l'envoyer par courriel."
    )
    with transaction.atomic():
        message = TicketMessage.objects.create(ticket=ticket, kind=MessageKind.NOTE, author=None, body=body)
        journal_record(
            acting_user=None,
            action="helpdesk.mail_masked",
            obj=ticket,
            payload={"message": message.pk, "masques": sorted(kinds)},
        )
    return message


def ticket_receive(
    *,
    ticket: Ticket,
    body: str,
    sender_email: str = "",
    email_message_id: str = "",
    now: datetime.datetime | None = None,
    config: sla.SlaConfig | None = None,
) -> TicketMessage:
    """A message from the agent on an existing ticket: the clock restarts if it waited for them;
    a resolved ticket is reopened."""
    now = _now(now)
    config = config or sla.load_config()
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket,
            kind=MessageKind.INCOMING,
            body=body,
            sender_email=sender_email,
            email_message_id=email_message_id,
        )
        old = ticket.status
        if old == Status.WAITING_AGENT:
            _apply_status(ticket, Status.IN_PROGRESS, now, config)
        elif old == Status.RESOLVED:
            _apply_status(ticket, Status.REOPENED, now, config)
        ticket.save()
        journal_record(
            acting_user=None,
            action="helpdesk.ticket_receive",
            obj=ticket,
            payload={"message": message.pk, "from": old, "to": ticket.status},
        )
    return message


def ticket_update(
    *, acting_user, ticket: Ticket, category=None, priority: str | None = None, subject: str | None = None
) -> Ticket:
    """Change category, priority or subject; a new priority moves the deadlines."""
    if not can_change_ticket(acting_user, ticket):
        raise PermissionDenied
    fields = ["category_id", "priority", "subject"]
    before = {f: getattr(ticket, f) for f in fields}
    ticket.category = category
    if priority is not None:
        ticket.priority = priority
    if subject is not None and subject.strip():
        ticket.subject = subject.strip()[:200]
    with transaction.atomic():
        if ticket.priority != before["priority"]:
            sla.refresh(ticket, sla.load_config())
        ticket.save()
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_update",
            obj=ticket,
            payload=model_changes(ticket, fields, before),
        )
    return ticket


def ticket_match_requester(*, acting_user, ticket: Ticket, agent) -> Ticket:
    """Attach an unknown caller's ticket to the agent of the referential they turned out to be."""
    if not can_change_ticket(acting_user, ticket):
        raise PermissionDenied
    before = ticket.requester_id
    with transaction.atomic():
        for name, value in _requester_fields(agent).items():
            setattr(ticket, name, value)
        ticket.save()
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_match_requester",
            obj=ticket,
            payload={"from": before, "to": agent.pk},
        )
    return ticket


def ticket_escalate(*, acting_user, ticket: Ticket, it_reference: str, now: datetime.datetime | None = None) -> Ticket:
    """Hand the problem to IT support: keep their ticket number; the clock waits for the third party."""
    if not can_change_ticket(acting_user, ticket):
        raise PermissionDenied
    it_reference = it_reference.strip()
    if not it_reference:
        raise ValidationError("Indiquez la référence du ticket ouvert auprès du support informatique.")
    now = _now(now)
    config = sla.load_config()
    with transaction.atomic():
        ticket.it_reference = it_reference[:64]
        ticket.escalated_at = now
        old = ticket.status
        if old != Status.WAITING_THIRD_PARTY and Status.WAITING_THIRD_PARTY in TRANSITIONS.get(old, ()):
            _apply_status(ticket, Status.WAITING_THIRD_PARTY, now, config)
        ticket.save()
        journal_record(
            acting_user=acting_user,
            action="helpdesk.ticket_escalate",
            obj=ticket,
            payload={"it_reference": ticket.it_reference, "from": old, "to": ticket.status},
        )
    return ticket


def ticket_link_article(*, acting_user, ticket: Ticket, article) -> None:
    if not can_change_ticket(acting_user, ticket):
        raise PermissionDenied
    with transaction.atomic():
        ticket.articles.add(article)
        journal_record(
            acting_user=acting_user, action="helpdesk.ticket_link_article", obj=ticket, payload={"article": article.pk}
        )


def _draw_survey(ticket: Ticket, now: datetime.datetime) -> Survey | None:
    """Sample resolved tickets for a satisfaction survey (GLPI's rate and delay); needs an address to write to."""
    if not ticket.requester_email or Survey.objects.filter(ticket=ticket).exists():
        return None
    settings = HelpdeskSettings.current()
    if random.random() * 100 >= settings.survey_rate_percent:
        return None
    return Survey.objects.create(ticket=ticket, send_after=now + datetime.timedelta(hours=settings.survey_delay_hours))


def survey_answer(*, survey: Survey, rating: int, comment: str = "") -> Survey:
    """Record the agent's rating (1–5); answering again replaces the earlier answer."""
    if not 1 <= int(rating) <= 5:
        raise ValidationError("La note va de 1 à 5.")
    with transaction.atomic():
        survey.rating = int(rating)
        survey.comment = comment.strip()[:2000]
        survey.answered_at = timezone.now()
        survey.save(update_fields=["rating", "comment", "answered_at"])
        journal_record(acting_user=None, action="helpdesk.survey_answer", obj=survey, payload={"rating": survey.rating})
    return survey


def surveys_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send the surveys whose delay has passed, for tickets still resolved or closed (not reopened)."""
    now = _now(now)
    due = Survey.objects.filter(
        sent_at__isnull=True, send_after__lte=now, ticket__status__in=[Status.RESOLVED, Status.CLOSED]
    ).values_list("pk", flat=True)
    sent = 0
    for survey_id in list(due):
        with transaction.atomic():
            survey = Survey.objects.select_for_update().get(pk=survey_id)
            if survey.sent_at is not None:
                continue
            survey.sent_at = now
            survey.save(update_fields=["sent_at"])
            journal_record(acting_user=None, action="helpdesk.survey_send", obj=survey, payload={})
            transaction.on_commit(lambda sid=survey_id: notifications.survey_invitation(sid))
        sent += 1
    return sent
