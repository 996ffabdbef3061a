"""Outgoing e-mail of the assistance line. Called from `transaction.on_commit`, with ids only.

Every subject carries the ticket reference "[Relais #123]" and every message a Message-ID that we keep,
so that the agent's answer threads back to the ticket (see relais.helpdesk.mail). Automatic messages
say so (`Auto-Submitted: auto-generated`, RFC 3834) so that well-behaved auto-responders stay quiet.
"""

import logging
from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)
SURVEY_SALT = "relais.helpdesk.survey"


def base_url() -> str:
    return settings.RELAIS_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    return f"{base_url()}{path}"


def new_message_id() -> str:
    return make_msgid(domain=settings.RELAIS_MAIL_DOMAIN)


def subject_for(ticket, text: str) -> str:
    return f"[Relais #{ticket.pk}] {text}"


def survey_token(survey) -> str:
    return signing.dumps(str(survey.public_id), salt=SURVEY_SALT)


def _send(*, to: list[str], subject: str, template: str, context: dict, headers: dict | None = None) -> None:
    to = [a for a in to if a]
    if not to:
        return
    message = EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[settings.RELAIS_HELPDESK_EMAIL],
        headers=headers or {},
    )
    message.send(fail_silently=False)


def _auto(message_id: str | None = None, **extra) -> dict:
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": message_id or new_message_id()}
    headers.update(extra)
    return headers


def _ticket(ticket_id: int):
    from relais.helpdesk.models import Ticket

    return Ticket.objects.select_related("requester", "assigned_to", "category").get(pk=ticket_id)


def _last_incoming_id(ticket) -> str:
    from relais.helpdesk.enums import MessageKind

    last = ticket.messages.filter(kind=MessageKind.INCOMING).exclude(email_message_id="").order_by("-pk").first()
    return last.email_message_id if last else ""


def ticket_acknowledged(ticket_id: int) -> None:
    ticket = _ticket(ticket_id)
    headers = _auto()
    if previous := _last_incoming_id(ticket):
        headers.update({"In-Reply-To": previous, "References": previous})
    _send(
        to=[ticket.requester_email],
        subject=subject_for(ticket, "Votre demande est bien enregistrée"),
        template="helpdesk/email/acknowledged.txt",
        context={"ticket": ticket},
        headers=headers,
    )


def ticket_assigned(ticket_id: int) -> None:
    ticket = _ticket(ticket_id)
    if ticket.assigned_to is None:
        return
    _send(
        to=[ticket.assigned_to.email],
        subject=subject_for(ticket, f"Ticket attribué : {ticket.subject}"),
        template="helpdesk/email/assigned.txt",
        context={"ticket": ticket, "url": absolute(reverse("helpdesk:ticket_detail", args=[ticket.public_id]))},
        headers=_auto(),
    )


def reply_sent(message_pk: int) -> None:
    from relais.helpdesk.models import TicketMessage

    message = TicketMessage.objects.select_related("ticket__requester").get(pk=message_pk)
    ticket = message.ticket
    headers = {"Message-ID": message.email_message_id}
    if previous := _last_incoming_id(ticket):
        headers.update({"In-Reply-To": previous, "References": previous})
    _send(
        to=[ticket.requester_email],
        subject=subject_for(ticket, ticket.subject),
        template="helpdesk/email/reply.txt",
        context={"ticket": ticket, "message": message},
        headers=headers,
    )


def ticket_resolved(ticket_id: int) -> None:
    ticket = _ticket(ticket_id)
    _send(
        to=[ticket.requester_email],
        subject=subject_for(ticket, "Votre demande est résolue"),
        template="helpdesk/email/resolved.txt",
        context={"ticket": ticket},
        headers=_auto(),
    )


def survey_invitation(survey_id: int) -> None:
    from relais.helpdesk.models import Survey

    survey = Survey.objects.select_related("ticket__requester").get(pk=survey_id)
    url = absolute(reverse("helpdesk:survey", args=[survey_token(survey)]))
    _send(
        to=[survey.ticket.requester_email],
        subject=subject_for(survey.ticket, "Votre avis en un clic"),
        template="helpdesk/email/survey.txt",
        context={"ticket": survey.ticket, "url": url},
        headers=_auto(),
    )
