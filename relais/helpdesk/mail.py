"""Incoming e-mail: each message creates a ticket or adds to the one it answers.

Threading: the `In-Reply-To`/`References` Message-IDs we keep on every message in and out, then the
"[Relais #123]" reference in the subject. Loops: automatic messages (RFC 3834 `Auto-Submitted`,
`Precedence: bulk/auto_reply/junk/list`, `X-Autoreply`, `X-Autorespond`, bounces) never create or
reopen a ticket and are never acknowledged. Idempotence: a Message-ID already stored is skipped, so a
message processed but not yet flagged (connection lost) is not imported twice. Quarantine: a message
whose processing fails at `max_failures` runs is moved to an IMAP folder apart (`Relais/Quarantaine` by
default) so that it stops being retried, and the operators are told (journal, error log, the queue).
"""

import contextlib
import email
import hashlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from relais.agents.models import Agent
from relais.core.identifiers import mask_identifiers
from relais.helpdesk import services
from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import MailFailure, Ticket, TicketMessage
from relais.journal.services import journal_record

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
    # A NIR or an IBAN written by the agent is masked before anything is stored (issue 16 §2c).
    body, masked = mask_identifiers(plain_body(message))
    subject = SUBJECT_REFERENCE.sub("", str(message.get("Subject", ""))).strip()
    subject = re.sub(r"^(?:(?:re|tr|fwd?)\s*:\s*)+", "", subject, flags=re.IGNORECASE) or "Demande par courriel"
    subject, in_subject = mask_identifiers(subject)
    name, in_name = mask_identifiers(name)
    masked |= in_subject | in_name
    ticket = find_ticket(message)
    if ticket is not None and ticket.status not in {Status.CLOSED, Status.DUPLICATE}:
        services.ticket_receive(ticket=ticket, body=body, sender_email=sender, email_message_id=message_id)
        if masked:
            services.ticket_note_masked(ticket=ticket, kinds=masked)
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
    if masked:
        services.ticket_note_masked(ticket=ticket, kinds=masked)
    return Outcome("created", ticket)


@dataclass
class FetchReport:
    created: int = 0
    updated: int = 0
    ignored: int = 0
    duplicate: int = 0
    failed: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)


def _identify(raw: bytes) -> tuple[str, str, str]:
    """(key, sender, subject) of a raw message, read leniently: the message may be why processing fails."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message_id, sender, subject = "", "", ""
    # Decoded headers first (=?utf-8?…?= subjects); the raw ones when decoding is what fails.
    for header_policy in (policy.default, policy.compat32):
        try:
            headers = email.message_from_bytes(head, policy=header_policy)
            message_id = str(headers.get("Message-ID", "") or "").strip()
            sender = str(headers.get("From", "") or "")
            subject = str(headers.get("Subject", "") or "")
            break
        except Exception:  # noqa: BLE001, S112 - an unreadable header must not stop the count
            continue
    key = message_id[:250] or "sha256:" + hashlib.sha256(raw).hexdigest()
    return key, sender[:250], mask_identifiers(subject)[0][:250]


def _record_failure(raw: bytes, error: Exception) -> MailFailure:
    key, sender, subject = _identify(raw)
    now = timezone.now()
    with transaction.atomic():
        failure, _ = MailFailure.objects.select_for_update().get_or_create(
            message_key=key, defaults={"sender": sender, "subject": subject, "first_failed_at": now}
        )
        failure.attempts += 1
        failure.last_failed_at = now
        failure.last_error = f"{type(error).__name__}: {error}"[:500]
        failure.save()
    return failure


def _server_folder(imap, path: str) -> str:
    """`path` written with "/" as the hierarchy separator, in the server's own ("." for dovecot's maildir)."""
    _, data = imap.list('""', '""')
    match = re.search(rb'\) (?:"(.)"|NIL)', data[0] or b"") if data else None
    delimiter = match.group(1).decode() if match and match.group(1) else "/"
    return path.replace("/", delimiter)


def _capabilities(imap) -> set[str]:
    # Asked after login: servers (dovecot among them) advertise MOVE only to authenticated sessions.
    status, data = imap.capability()
    return set(data[0].decode().upper().split()) if status == "OK" and data and data[0] else set()


def _move(imap, uid: bytes, folder: str, *, can_move: bool) -> None:
    if can_move:
        status, data = imap.uid("MOVE", uid, f'"{folder}"')
    else:
        status, data = imap.uid("COPY", uid, f'"{folder}"')
        if status == "OK":
            imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    if status != "OK":
        raise imaplib.IMAP4.error(f"déplacement vers {folder} refusé : {data}")


def fetch_mail(
    *,
    host: str,
    port: int,
    user: str,
    password: str,
    use_ssl: bool = True,
    folder: str = "INBOX",
    done_folder: str = "",
    max_failures: int = 5,
    quarantine_folder: str = "Relais/Quarantaine",
) -> FetchReport:
    """Poll an IMAP mailbox: process every unseen message, flag it seen only once its transaction committed.

    A message whose processing fails stays unseen (and in place) for the next run; at its `max_failures`-th
    failed run it goes to `quarantine_folder` (created when missing) and the operators are told.
    """
    report = FetchReport()
    imap = imaplib.IMAP4_SSL(host, port) if use_ssl else imaplib.IMAP4(host, port)
    try:
        imap.login(user, password)
        status, _ = imap.select(folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"dossier IMAP introuvable : {folder}")
        _, data = imap.uid("SEARCH", None, "UNSEEN")
        can_move = "MOVE" in _capabilities(imap)
        for uid in (data[0] or b"").split():
            _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is None:
                continue
            try:
                with transaction.atomic():
                    outcome = process_message(raw)
            except Exception as exc:
                logger.exception("incoming mail uid %s could not be processed; left unseen", uid.decode())
                report.failed.append(uid.decode())
                failure = _record_failure(raw, exc)
                due = failure.attempts >= max_failures and failure.quarantined_at is None
                if due and _quarantine_one(imap, uid, failure, quarantine_folder, can_move=can_move):
                    report.quarantined.append(uid.decode())
                continue
            setattr(report, outcome.action, getattr(report, outcome.action) + 1)
            MailFailure.objects.filter(message_key=_identify(raw)[0], quarantined_at__isnull=True).delete()
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if done_folder:
                imap.uid("COPY", uid, done_folder)
                imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        if done_folder or (report.quarantined and not can_move):
            imap.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    return report


def _quarantine_one(imap, uid: bytes, failure: MailFailure, path: str, *, can_move: bool) -> bool:
    """Create the quarantine folder if needed, move the message there, record it; False (logged) on failure."""
    quarantine = path
    try:
        quarantine = _server_folder(imap, path)
        # A refusal here most likely means it exists already ([ALREADYEXISTS]); the move says if it does not.
        imap.create(f'"{quarantine}"')
        _move(imap, uid, quarantine, can_move=can_move)
    except imaplib.IMAP4.error:
        logger.exception("incoming mail uid %s could not be moved to %s; left unseen", uid.decode(), quarantine)
        return False
    with transaction.atomic():
        failure.quarantined_at = timezone.now()
        failure.save(update_fields=["quarantined_at"])
        journal_record(
            acting_user=None,
            action="helpdesk.mail_quarantine",
            obj=failure,
            payload={"attempts": failure.attempts, "folder": quarantine, "error": failure.last_error[:200]},
        )
    logger.error(
        "incoming mail %s failed %s times: moved to the IMAP folder %s for the operators",
        failure.message_key,
        failure.attempts,
        quarantine,
    )
    return True
