"""Incoming e-mail: each message creates a ticket or adds to the one it answers.

Threading: the `In-Reply-To`/`References` Message-IDs we keep on every message in and out, then the
"[Relais #123]" reference in the subject. Loops: automatic messages (RFC 3834 `Auto-Submitted`,
`Precedence: bulk/auto_reply/junk/list`, `X-Autoreply`, `X-Autorespond`, bounces) never create or
reopen a ticket and are never acknowledged. Idempotence: a Message-ID already stored is skipped, so a
message processed but not yet flagged (connection lost) is not imported twice.
"""

import contextlib
import email
import imaplib
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils.html import strip_tags

from relais.agents.models import Agent
from relais.helpdesk import services
from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import Ticket, TicketMessage

logger = logging.getLogger(__name__)

SUBJECT_REFERENCE = re.compile(r"\[Relais #(\d+)\]", re.IGNORECASE)
MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
MAX_BODY = 20_000
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
# Quoted history below a reply: French and English mail clients' markers.
QUOTE_MARKERS = re.compile(
    r"^(?:Le .{5,200} a écrit\s*:|On .{5,200} wrote:"
    r"|-{2,}\s*(?:Original Message|Message d'origine)\s*-{2,}|De\s*: .+)\s*$",
    re.MULTILINE | re.IGNORECASE,
)


def is_automatic(message: EmailMessage) -> bool:
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in {"bulk", "auto_reply", "junk", "list"}:
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond") or message.get("X-Autoresponder"):
        return True
    if str(message.get("X-Auto-Response-Suppress", "")).strip().lower() in {"all", "oof", "autoreply"}:
        return True
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender.split("@")[0] in BOUNCE_SENDERS or not sender:
        return True
    own = {settings.RELAIS_HELPDESK_EMAIL.lower(), settings.DEFAULT_FROM_EMAIL.lower()}
    return sender in own


def plain_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError):
        text = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        text = strip_tags(text)
    match = QUOTE_MARKERS.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    lines = [line for line in text.splitlines() if not line.startswith(">")]
    return "\n".join(lines).strip()[:MAX_BODY]


def find_ticket(message: EmailMessage) -> Ticket | None:
    ids = MESSAGE_IDS.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}")
    if ids:
        known = TicketMessage.objects.filter(email_message_id__in=ids).select_related("ticket").first()
        if known is not None:
            return known.ticket
    if match := SUBJECT_REFERENCE.search(str(message.get("Subject", ""))):
        return Ticket.objects.filter(pk=int(match.group(1))).first()
    return None


@dataclass
class Outcome:
    action: str  # created | updated | ignored | duplicate
    ticket: Ticket | None = None


def process_message(raw: bytes) -> Outcome:
    """Turn one raw e-mail into a ticket or a reply on one (inside the caller's transaction)."""
    message = email.message_from_bytes(raw, policy=policy.default)
    message_id = str(message.get("Message-ID", "")).strip()[:250]
    if message_id and TicketMessage.objects.filter(email_message_id=message_id).exists():
        return Outcome("duplicate")
    if is_automatic(message):
        return Outcome("ignored")
    name, sender = parseaddr(str(message.get("From", "")))
    sender = sender.lower()
    body = plain_body(message)
    subject = SUBJECT_REFERENCE.sub("", str(message.get("Subject", ""))).strip()
    subject = re.sub(r"^(?:(?:re|tr|fwd?)\s*:\s*)+", "", subject, flags=re.IGNORECASE) or "Demande par courriel"
    ticket = find_ticket(message)
    if ticket is not None and ticket.status not in {Status.CLOSED, Status.DUPLICATE}:
        services.ticket_receive(ticket=ticket, body=body, sender_email=sender, email_message_id=message_id)
        return Outcome("updated", ticket)
    agent = Agent.objects.filter(work_email__iexact=sender).first() if sender else None
    ticket = services.ticket_create(
        acting_user=None,
        channel=Channel.EMAIL,
        subject=subject,
        description=body,
        requester=agent,
        caller_name=name[:150],
        caller_email=sender,
        email_message_id=message_id,
    )
    return Outcome("created", ticket)


@dataclass
class FetchReport:
    created: int = 0
    updated: int = 0
    ignored: int = 0
    duplicate: int = 0
    failed: list[str] = field(default_factory=list)


def fetch_mail(
    *,
    host: str,
    port: int,
    user: str,
    password: str,
    use_ssl: bool = True,
    folder: str = "INBOX",
    done_folder: str = "",
) -> FetchReport:
    """Poll an IMAP mailbox: process every unseen message, flag it seen only once its transaction committed.

    A message whose processing fails stays unseen (and in place) for the next run.
    """
    report = FetchReport()
    imap = imaplib.IMAP4_SSL(host, port) if use_ssl else imaplib.IMAP4(host, port)
    try:
        imap.login(user, password)
        status, _ = imap.select(folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"dossier IMAP introuvable : {folder}")
        _, data = imap.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split():
            _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is None:
                continue
            try:
                with transaction.atomic():
                    outcome = process_message(raw)
            except Exception:
                logger.exception("incoming mail uid %s could not be processed; left unseen", uid.decode())
                report.failed.append(uid.decode())
                continue
            setattr(report, outcome.action, getattr(report, outcome.action) + 1)
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if done_folder:
                imap.uid("COPY", uid, done_folder)
                imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        if done_folder:
            imap.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    return report
