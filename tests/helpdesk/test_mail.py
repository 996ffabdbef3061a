"""E-mail in and out, against real servers: aiosmtpd (SMTP) and a private dovecot (IMAP)."""

from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import call_command

from relais.accounts.enums import Role
from relais.helpdesk import services
from relais.helpdesk.enums import Channel, MessageKind, Status
from relais.helpdesk.models import Survey, Ticket
from tests.factories import AgentFactory


def mail(
    *, sender="sandrine.durand@paris.example", subject="Messagerie bloquée", body="Bonjour, je n'arrive pas.", **headers
):
    message = EmailMessage()
    message["From"] = f"Sandrine Durand <{sender}>"
    message["To"] = "assistance@relais.example"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="paris.example"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def imap_settings(settings, imap_server):
    settings.RELAIS_IMAP_HOST = imap_server.host
    settings.RELAIS_IMAP_PORT = imap_server.port
    settings.RELAIS_IMAP_SSL = False
    settings.RELAIS_IMAP_USER = imap_server.user
    settings.RELAIS_IMAP_PASSWORD = imap_server.password
    settings.RELAIS_IMAP_FOLDER = "INBOX"
    settings.RELAIS_IMAP_DONE_FOLDER = ""
    settings.RELAIS_HELPDESK_EMAIL = "assistance@relais.example"
    return imap_server


def test_reply_goes_out_by_smtp_with_reference_and_threading_headers(
    smtp_server, users, dpe, django_capture_on_commit_callbacks
):
    agent = AgentFactory(direction=dpe, work_email="agent@paris.example")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(acting_user=None, channel=Channel.WEB, subject="Code", requester=agent)
    assert len(smtp_server.messages) == 1  # acknowledgement
    rcpt, ack = smtp_server.messages[0]
    assert rcpt == ["agent@paris.example"]
    # From #10 on, Django folds the encoded subject onto its own line, which Python's parser reads back with
    # a leading space (mail clients trim it): compare the trimmed text.
    assert ack["Subject"].strip() == f"[Relais #{ticket.pk}] Votre demande est bien enregistrée"
    assert ack["Auto-Submitted"] == "auto-generated"
    with django_capture_on_commit_callbacks(execute=True):
        message = services.ticket_reply(
            acting_user=users[Role.HELPDESK], ticket=ticket, body="Voici la marche à suivre"
        )
    _, reply = smtp_server.messages[1]
    assert reply["Message-ID"] == message.email_message_id
    assert "Voici la marche à suivre" in reply.get_content()
    assert reply["Auto-Submitted"] is None  # a person wrote it


def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server, dpe, django_capture_on_commit_callbacks):
    from django.db import transaction

    agent = AgentFactory(direction=dpe, work_email="agent@paris.example")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_create(acting_user=None, channel=Channel.WEB, subject="Code", requester=agent)
        raise RuntimeError("boom")
    assert smtp_server.messages == [] and not Ticket.objects.exists()


def test_assignment_notifies_the_operator(smtp_server, users, dpe, django_capture_on_commit_callbacks):
    operator = users[Role.HELPDESK]
    operator.email = "operateur@relais.example"
    operator.save()
    ticket = services.ticket_create(acting_user=None, channel=Channel.PHONE, subject="x", caller_name="Inconnu")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(acting_user=users[Role.COORDINATOR], ticket=ticket, assignee=operator)
    ((rcpt, message),) = smtp_server.messages
    assert rcpt == ["operateur@relais.example"] and "attribué" in message["Subject"]


def test_surveys_are_sent_after_their_delay(smtp_server, users, dpe, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    agent = AgentFactory(direction=dpe, work_email="agent@paris.example")
    ticket = services.ticket_create(
        acting_user=users[Role.HELPDESK],
        channel=Channel.PHONE,
        subject="x",
        requester=agent,
        resolved_first_contact=True,
    )
    assert services.surveys_send_due() == 0  # 24 hours by default
    with django_capture_on_commit_callbacks(execute=True):
        assert services.surveys_send_due(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    ((_, message),) = smtp_server.messages
    assert "/assistance/avis/" in message.get_content()
    assert Survey.objects.get(ticket=ticket).sent_at is not None


def test_fetch_mail_creates_then_threads_and_flags(imap_settings, dpe, django_capture_on_commit_callbacks):
    agent = AgentFactory(direction=dpe, work_email="sandrine.durand@paris.example")
    first_id = make_msgid(domain="paris.example")
    imap_settings.append(mail(message_id=first_id))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and ticket.requester == agent and ticket.subject == "Messagerie bloquée"
    assert ticket.messages.get().email_message_id == first_id
    assert all("\\Seen" in f for f in imap_settings.flags())
    # Nothing new: a second run imports nothing.
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1
    # The agent answers the acknowledgement (In-Reply-To), then writes again quoting the reference only.
    imap_settings.append(mail(subject="Re: votre demande", body="Voici une capture.", In_Reply_To=first_id))
    imap_settings.append(mail(subject=f"Encore [Relais #{ticket.pk}]", body="Toujours bloquée."))
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1
    assert list(ticket.messages.values_list("kind", flat=True)) == [MessageKind.INCOMING] * 3


def test_reply_restarts_a_waiting_ticket_and_reopens_a_resolved_one(imap_settings, users, dpe):
    agent = AgentFactory(direction=dpe, work_email="sandrine.durand@paris.example")
    ticket = services.ticket_create(acting_user=None, channel=Channel.WEB, subject="x", requester=agent)
    services.ticket_set_status(acting_user=users[Role.HELPDESK], ticket=ticket, status=Status.WAITING_AGENT)
    imap_settings.append(mail(subject=f"Re: [Relais #{ticket.pk}] x", body="Voilà"))
    call_command("fetch_mail")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.clock_stopped_at is None
    services.ticket_set_status(acting_user=users[Role.HELPDESK], ticket=ticket, status=Status.RESOLVED)
    imap_settings.append(mail(subject=f"Re: [Relais #{ticket.pk}] x", body="Ça recommence"))
    call_command("fetch_mail")
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "auto_reply"},
        {"X_Autoreply": "yes"},
    ],
)
def test_auto_replies_never_create_tickets(imap_settings, db, headers, smtp_server, django_capture_on_commit_callbacks):
    imap_settings.append(mail(subject="Absence du bureau", **headers))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")
    assert not Ticket.objects.exists() and smtp_server.messages == []
    assert all("\\Seen" in f for f in imap_settings.flags())  # dealt with: not fetched again


def test_auto_reply_to_our_acknowledgement_does_not_loop(
    imap_settings, dpe, smtp_server, django_capture_on_commit_callbacks
):
    imap_settings.append(mail(sender="agent@paris.example"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")
    ((_, ack),) = smtp_server.messages
    imap_settings.append(
        mail(
            sender="agent@paris.example",
            subject=f"Absent : {ack['Subject']}",
            Auto_Submitted="auto-replied",
            In_Reply_To=ack["Message-ID"],
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")
    assert len(smtp_server.messages) == 1 and Ticket.objects.get().messages.count() == 1


def test_a_failing_message_stays_unseen(imap_settings, db, monkeypatch):
    from relais.helpdesk import mail as incoming

    imap_settings.append(mail(subject="Premier"))
    original = incoming.process_message

    def broken(raw):
        original(raw)  # writes, then fails: the transaction must roll everything back
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(incoming, "process_message", broken)
    call_command("fetch_mail")
    assert not Ticket.objects.exists()
    assert all("\\Seen" not in f for f in imap_settings.flags())
    monkeypatch.setattr(incoming, "process_message", original)
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1 and all("\\Seen" in f for f in imap_settings.flags())


def test_processed_messages_may_be_moved(imap_settings, db, settings):
    imap_settings.create("Traites")
    settings.RELAIS_IMAP_DONE_FOLDER = "Traites"
    imap_settings.append(mail())
    call_command("fetch_mail")
    assert imap_settings.flags("INBOX") == [] and len(imap_settings.flags("Traites")) == 1


def test_same_message_id_is_never_imported_twice(imap_settings, db):
    message_id = make_msgid(domain="paris.example")
    imap_settings.append(mail(message_id=message_id))
    imap_settings.append(mail(message_id=message_id))
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1


def _broken(monkeypatch) -> None:
    """Make every message fail (undone by `monkeypatch.undo()`)."""
    from relais.helpdesk import mail as incoming

    def broken(raw):
        raise RuntimeError("pièce jointe illisible")

    monkeypatch.setattr(incoming, "process_message", broken)


def test_a_message_failing_repeatedly_goes_to_quarantine(imap_settings, users, settings, monkeypatch, client):
    from django.urls import reverse

    from relais.helpdesk.models import MailFailure
    from relais.journal.models import Entry

    settings.RELAIS_IMAP_MAX_FAILURES = 3
    bad_id = make_msgid(domain="paris.example")
    imap_settings.append(mail(subject="Capture d'écran", message_id=bad_id))
    _broken(monkeypatch)
    for attempt in (1, 2):
        call_command("fetch_mail", stderr=StringIO())
        assert MailFailure.objects.get(message_key=bad_id).attempts == attempt
        assert len(imap_settings.flags()) == 1 and all("\\Seen" not in f for f in imap_settings.flags())
    err = StringIO()
    call_command("fetch_mail", stderr=err)
    # Third failure: out of the inbox (no more retries), into the quarantine folder the run created, unread.
    assert imap_settings.flags() == []
    quarantine = imap_settings.folder("Relais/Quarantaine")
    (flags,) = imap_settings.flags(quarantine)
    assert "\\Seen" not in flags
    assert "Relais/Quarantaine" in err.getvalue()
    failure = MailFailure.objects.get(message_key=bad_id)
    assert failure.quarantined_at is not None and failure.subject == "Capture d'écran"
    assert "pièce jointe illisible" in failure.last_error
    entry = Entry.objects.get(action="helpdesk.mail_quarantine")
    assert entry.payload["attempts"] == 3 and entry.payload["folder"] == quarantine
    # The operators see it on the queue.
    client.force_login(users[Role.HELPDESK])
    html = client.get(reverse("helpdesk:ticket_list")).content.decode()
    assert "1 courriel n'a pas pu être traité" in html and "Relais/Quarantaine" in html
    # Later messages are unaffected, and the folder existing already is no trouble.
    monkeypatch.undo()
    imap_settings.append(mail(subject="Autre demande"))
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1
    _broken(monkeypatch)
    settings.RELAIS_IMAP_MAX_FAILURES = 1
    imap_settings.append(mail(subject="Encore une"))
    call_command("fetch_mail", stderr=StringIO())
    assert (
        len(imap_settings.flags(quarantine)) == 2
        and MailFailure.objects.filter(quarantined_at__isnull=False).count() == 2
    )


def test_a_message_that_recovers_forgets_its_failures(imap_settings, db, monkeypatch):
    from relais.helpdesk.models import MailFailure

    imap_settings.append(mail(subject="Premier"))
    _broken(monkeypatch)
    call_command("fetch_mail", stderr=StringIO())
    assert MailFailure.objects.get().attempts == 1
    monkeypatch.undo()
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1 and not MailFailure.objects.exists()


def test_a_message_without_message_id_is_counted_by_its_content(imap_settings, db, monkeypatch, settings):
    from relais.helpdesk.models import MailFailure

    settings.RELAIS_IMAP_MAX_FAILURES = 2
    raw = b"From: agent@paris.example\r\nSubject: sans identifiant\r\n\r\nBonjour\r\n"
    imap_settings.append(raw)
    _broken(monkeypatch)
    call_command("fetch_mail", stderr=StringIO())
    call_command("fetch_mail", stderr=StringIO())
    failure = MailFailure.objects.get()
    assert failure.message_key.startswith("sha256:") and failure.quarantined_at is not None
    assert imap_settings.flags() == []


def test_quarantine_without_imap_move_copies_then_expunges(imap_settings, db, monkeypatch, settings):
    from relais.helpdesk import mail as incoming

    settings.RELAIS_IMAP_MAX_FAILURES = 1
    monkeypatch.setattr(incoming, "_capabilities", lambda imap: set())  # a server without RFC 6851 MOVE
    imap_settings.append(mail(subject="Ancien serveur"))
    imap_settings.append(mail(subject="Bonne demande"))
    original = incoming.process_message

    def fail_first(raw):
        if b"Ancien serveur" in raw:
            raise RuntimeError("illisible")
        return original(raw)

    monkeypatch.setattr(incoming, "process_message", fail_first)
    call_command("fetch_mail", stderr=StringIO())
    assert len(imap_settings.flags()) == 1 and "\\Seen" in imap_settings.flags()[0]
    assert len(imap_settings.flags(imap_settings.folder("Relais/Quarantaine"))) == 1
    assert Ticket.objects.get().subject == "Bonne demande"


NIR = "2 55 08 14 168 025 38"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_a_nir_or_an_iban_in_a_received_mail_is_masked_with_a_note(imap_settings, dpe):
    """Issue 16 §2c: the agent writes their NIR and IBAN; neither is stored, the ticket says what was masked."""
    from relais.helpdesk.models import MailFailure
    from relais.journal.models import Entry

    AgentFactory(direction=dpe, work_email="sandrine.durand@paris.example")
    imap_settings.append(
        mail(subject=f"Paie : mon NIR {NIR}", body=f"Bonjour, mon numéro est {NIR}, mon RIB {IBAN}. Merci.")
    )
    call_command("fetch_mail")
    ticket = Ticket.objects.get()
    assert ticket.subject == "Paie : mon NIR [NIR masqué]"
    incoming = ticket.messages.get(kind=MessageKind.INCOMING)
    assert incoming.body.strip() == "Bonjour, mon numéro est [NIR masqué], mon RIB [IBAN masqué]. Merci."
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert "un numéro de sécurité sociale (NIR) et des coordonnées bancaires (IBAN)" in note.body
    # A reply on the ticket is masked too.
    imap_settings.append(mail(subject=f"Re: [Relais #{ticket.pk}]", body=f"J'ai oublié : {IBAN}"))
    call_command("fetch_mail")
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 2
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 2
    stored = " ".join(
        [ticket.subject, ticket.description, *ticket.messages.values_list("body", flat=True)]
        + [str(e.payload) for e in Entry.objects.all()]
        + [f.subject for f in MailFailure.objects.all()]
    ).replace(" ", "")
    assert NIR.replace(" ", "") not in stored and IBAN.replace(" ", "") not in stored
