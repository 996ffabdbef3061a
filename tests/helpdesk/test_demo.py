"""The assistance line's demo history: plausible, consistent with the SLA rules, deterministic."""

import datetime

import pytest
from django.db.models import Count

from relais.demo.services import demo_load
from relais.helpdesk import sla
from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import Survey, Ticket, TicketMessage
from relais.journal.models import Entry

AS_OF = datetime.date(2026, 6, 15)


@pytest.fixture
def loaded(db):
    demo_load(agents=3000, seed=3, as_of=AS_OF)


def test_volumes_channels_and_topics_are_plausible(loaded):
    tickets = Ticket.objects.all()
    assert 200 <= tickets.count() <= 280  # 4,000 per 50,000 agents
    by_channel = dict(tickets.values_list("channel").annotate(n=Count("pk")))
    assert by_channel[Channel.PHONE] > by_channel[Channel.EMAIL] > 0
    assert by_channel.get(Channel.WALK_IN, 0) > 0 and by_channel.get(Channel.WEB, 0) > 0
    top = tickets.values("category__code").annotate(n=Count("pk")).order_by("-n")[0]["category__code"]
    assert top == "messagerie"
    assert not tickets.filter(created_at__date__gt=AS_OF).exists()
    assert tickets.filter(requester__isnull=False).count() > 0.8 * tickets.count()
    # Phone calls and walk-ins are logged by someone, during the line's opening hours.
    assert not tickets.filter(channel=Channel.PHONE, created_by__isnull=True).exists()


def test_statuses_are_realistic(loaded):
    tickets = Ticket.objects.all()
    total = tickets.count()
    closed = tickets.filter(status=Status.CLOSED).count()
    open_ = tickets.exclude(status__in=[Status.RESOLVED, Status.CLOSED, Status.DUPLICATE]).count()
    assert closed > 0.7 * total
    assert 0 < open_ < 0.2 * total
    assert tickets.filter(resolved_first_contact=True).count() > 0.2 * total
    now = datetime.datetime.combine(AS_OF, datetime.time(16, 30), tzinfo=datetime.UTC)
    assert tickets.filter(due_at__lte=now).exists()  # a few run late right now
    assert tickets.filter(status__in=[Status.WAITING_AGENT, Status.WAITING_THIRD_PARTY]).exists() or open_ < 5
    # Duplicates name their original, escalations their IT reference.
    for t in tickets.filter(status=Status.DUPLICATE):
        assert t.duplicate_of.requester_id == t.requester_id
    assert not tickets.filter(escalated_at__isnull=False, it_reference="").exists()


def test_deadlines_are_those_the_application_computes(loaded):
    config = sla.load_config()
    for ticket in Ticket.objects.order_by("pk")[:80]:
        first_target, _ = config.targets[ticket.priority]
        expected = config.calendar.add(ticket.created_at, datetime.timedelta(minutes=first_target))
        assert ticket.first_response_due_at == expected
        if ticket.status == Status.CLOSED:
            assert ticket.resolved_at <= ticket.closed_at and ticket.due_at is None
        if ticket.status in {Status.WAITING_AGENT, Status.WAITING_THIRD_PARTY}:
            assert ticket.clock_stopped_at is not None
        copy = Ticket.objects.get(pk=ticket.pk)
        before = (copy.due_at, copy.warn_at, copy.resolution_due_at)
        sla.refresh(copy, config)
        assert (copy.due_at, copy.warn_at, copy.resolution_due_at) == before
    # Most tickets meet their targets, not all.
    resolved = Ticket.objects.filter(resolved_at__isnull=False, resolution_due_at__isnull=False)
    met = sum(1 for t in resolved if t.resolved_at <= t.resolution_due_at)
    assert 0.75 * resolved.count() < met < resolved.count()


def test_threads_surveys_and_journal(loaded):
    email = Ticket.objects.filter(channel=Channel.EMAIL).first()
    assert email.messages.first().email_message_id
    assert TicketMessage.objects.filter(kind="reply").exists()
    answered = Survey.objects.filter(rating__isnull=False)
    assert answered.exists() and answered.count() < Survey.objects.filter(sent_at__isnull=False).count()
    assert not Survey.objects.filter(ticket__resolved_at__isnull=True).exists()
    assert Entry.objects.filter(action="demo.helpdesk").count() == 1


@pytest.mark.django_db
def test_same_seed_same_tickets():
    from django.db import connection, transaction

    from relais.demo.context import DemoContext
    from relais.helpdesk import demo

    demo_load(agents=400, seed=5, as_of=AS_OF)

    def rows():
        return list(
            Ticket.objects.order_by("pk").values_list(
                "public_id", "created_at", "status", "requester_id", "channel", "due_at", "resolution_due_at"
            )
        )

    first = rows()
    assert first
    Survey.objects.all().delete()
    Ticket.objects.filter(duplicate_of__isnull=False).delete()
    Ticket.objects.all().delete()
    ctx = DemoContext.for_app(
        "helpdesk", seed=5, as_of=AS_OF, agents=400, vendor=connection.vendor, log=lambda message: None
    )
    with transaction.atomic():
        demo.build(ctx)
    assert rows() == first
