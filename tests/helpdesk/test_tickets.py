"""Tickets: creation, workflow, SLA deadlines with pauses, visibility, permissions, journal."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relais.accounts.enums import Role
from relais.helpdesk import permissions, services, sla
from relais.helpdesk.enums import Channel, MessageKind, Priority, SlaState, Status
from relais.helpdesk.models import HelpdeskSettings, SlaTarget, Survey, Ticket
from relais.journal.models import Entry
from tests.factories import AgentFactory, UserFactory
from tests.helpdesk.factories import TicketFactory, topic

PARIS = ZoneInfo("Europe/Paris")


def at(y, mo, d, h=0, mi=0):
    return datetime.datetime(y, mo, d, h, mi, tzinfo=PARIS)


def local(v):
    return v.astimezone(PARIS) if v else v


@pytest.fixture
def operator(users):
    return users[Role.HELPDESK]


@pytest.fixture
def agent(dpe):
    return AgentFactory(direction=dpe, work_email="sandrine.durand@paris.example")


def test_phone_ticket_keeps_requester_and_creator_apart(operator, agent):
    ticket = services.ticket_create(
        acting_user=operator,
        channel=Channel.PHONE,
        subject="Code oublié",
        requester=agent,
        category=topic(),
        now=at(2025, 3, 4, 10),
    )
    assert ticket.requester == agent and ticket.created_by == operator
    assert ticket.direction == agent.direction
    # The call is the first response; the resolution target (normal: 18 business hours) runs.
    assert ticket.first_responded_at == at(2025, 3, 4, 10)
    assert local(ticket.resolution_due_at) == at(2025, 3, 6, 10)
    assert ticket.due_at == ticket.resolution_due_at
    entry = Entry.objects.for_object(ticket).get()
    assert entry.action == "helpdesk.ticket_create" and entry.acting_user == operator


def test_unknown_caller_needs_a_name_or_a_number(operator):
    with pytest.raises(ValidationError):
        services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="?")
    ticket = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="Badge", caller_name="M. Diallo", caller_phone="0600000000"
    )
    assert ticket.requester is None and ticket.direction is None


def test_matching_an_unknown_caller_later(operator, agent):
    ticket = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="Badge", caller_phone="06")
    services.ticket_match_requester(acting_user=operator, ticket=ticket, agent=agent)
    ticket.refresh_from_db()
    assert ticket.requester == agent and ticket.direction == agent.direction


def test_web_ticket_waits_for_a_first_response(agent):
    ticket = services.ticket_create(
        acting_user=None,
        channel=Channel.WEB,
        subject="Messagerie",
        caller_name="Sandrine",
        caller_matricule="1",
        requester=agent,
        priority=Priority.HIGH,
        now=at(2025, 3, 4, 17),
    )
    assert ticket.created_by is None and ticket.first_responded_at is None
    # High: first response 60 business minutes -> 30 min on Tuesday evening + 30 min on Wednesday morning.
    assert local(ticket.first_response_due_at) == at(2025, 3, 5, 9)
    assert ticket.due_at == ticket.first_response_due_at
    assert local(ticket.warn_at) == at(2025, 3, 5, 8, 48)  # 80 % of 60 min


def test_waiting_pauses_the_resolution_clock_across_nights(operator, agent):
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="Badge", requester=agent, now=at(2025, 3, 3, 9)
    )
    assert local(t.resolution_due_at) == at(2025, 3, 5, 9)  # 18 business hours
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.WAITING_AGENT, now=at(2025, 3, 3, 16))
    assert t.resolution_due_at is None and t.due_at is None
    assert sla.state(t, at(2025, 3, 10, 9)) == SlaState.PAUSED
    # Waited Monday 16:00 -> Thursday 10:00: 21 business hours added to the deadline.
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.IN_PROGRESS, now=at(2025, 3, 6, 10))
    assert t.paused_seconds == 21 * 3600
    assert local(t.resolution_due_at) == at(2025, 3, 7, 12)  # 5 March 9:00 + 21 h -> Friday 7 March 12:00


def test_waiting_for_agent_then_third_party_is_one_pause(operator, agent):
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent, now=at(2025, 3, 3, 9)
    )
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.WAITING_AGENT, now=at(2025, 3, 3, 10))
    services.ticket_set_status(
        acting_user=operator, ticket=t, status=Status.WAITING_THIRD_PARTY, now=at(2025, 3, 3, 11)
    )
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.IN_PROGRESS, now=at(2025, 3, 3, 12))
    assert t.paused_seconds == 2 * 3600


def test_resolution_freezes_the_deadline_and_reopening_resumes_it(operator, agent):
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent, now=at(2025, 3, 3, 9)
    )
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.RESOLVED, now=at(2025, 3, 3, 11))
    assert t.resolved_at == at(2025, 3, 3, 11) and local(t.resolution_due_at) == at(2025, 3, 5, 9)
    assert t.due_at is None
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.REOPENED, now=at(2025, 3, 4, 11))
    # The 9 business hours it stayed resolved do not count against the team.
    assert t.resolved_at is None and local(t.resolution_due_at) == at(2025, 3, 6, 9)
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.RESOLVED, now=at(2025, 3, 4, 12))
    services.ticket_set_status(acting_user=operator, ticket=t, status=Status.CLOSED, now=at(2025, 3, 10, 12))
    assert t.closed_at == at(2025, 3, 10, 12) and local(t.resolution_due_at) == at(2025, 3, 6, 9)
    with pytest.raises(ValidationError):
        services.ticket_set_status(acting_user=operator, ticket=t, status=Status.REOPENED)


def test_priority_targets_are_configurable(operator, agent):
    SlaTarget.objects.filter(priority=Priority.NORMAL).update(first_response_minutes=60, resolution_minutes=120)
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent, now=at(2025, 3, 4, 9)
    )
    assert local(t.resolution_due_at) == at(2025, 3, 4, 11)


def test_breach_and_warning_states(operator, agent):
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent, now=at(2025, 3, 3, 9)
    )
    # Normal: 18 h; warning at 80 % = 14 h 24 min -> Tuesday 14:24; due Wednesday 9:00.
    assert local(t.warn_at) == at(2025, 3, 4, 14, 24)
    assert sla.state(t, at(2025, 3, 4, 14)) == SlaState.OK
    assert sla.state(t, at(2025, 3, 4, 15)) == SlaState.WARNING
    assert sla.state(t, at(2025, 3, 5, 9)) == SlaState.BREACHED
    assert Ticket.objects.filter(due_at__lte=at(2025, 3, 5, 9)).count() == 1


def test_reply_meets_first_response_and_moves_to_in_progress(operator, agent):
    t = services.ticket_create(
        acting_user=None, channel=Channel.WEB, subject="x", requester=agent, now=at(2025, 3, 4, 9)
    )
    services.ticket_assign(acting_user=operator, ticket=t, assignee=operator)
    assert t.status == Status.ASSIGNED
    msg = services.ticket_reply(acting_user=operator, ticket=t, body="Bonjour", now=at(2025, 3, 4, 9, 30))
    assert msg.kind == MessageKind.REPLY and msg.email_message_id
    assert t.first_responded_at == at(2025, 3, 4, 9, 30) and t.status == Status.IN_PROGRESS
    assert t.due_at == t.resolution_due_at


def test_notes_are_apart_from_replies(operator, agent):
    t = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent)
    services.ticket_add_note(acting_user=operator, ticket=t, body="Rappeler après 14 h")
    assert t.messages.get().kind == MessageKind.NOTE
    assert t.first_responded_at is not None  # phone; a note never counts as an answer anyway


def test_duplicate_points_to_original(operator, agent):
    original = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent)
    copy = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent)
    with pytest.raises(ValidationError):
        services.ticket_set_status(acting_user=operator, ticket=copy, status=Status.DUPLICATE)
    services.ticket_set_status(acting_user=operator, ticket=copy, status=Status.DUPLICATE, duplicate_of=original)
    assert copy.duplicate_of == original and copy.due_at is None


def test_escalation_keeps_it_reference_and_waits(operator, agent):
    t = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent)
    with pytest.raises(ValidationError):
        services.ticket_escalate(acting_user=operator, ticket=t, it_reference=" ")
    services.ticket_escalate(acting_user=operator, ticket=t, it_reference="INC0012345")
    t.refresh_from_db()
    assert t.it_reference == "INC0012345" and t.status == Status.WAITING_THIRD_PARTY and t.clock_stopped_at


def test_resolved_during_the_call(operator, agent):
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent, resolved_first_contact=True
    )
    assert t.status == Status.RESOLVED and t.resolved_first_contact and t.resolution_due_at is not None
    assert Survey.objects.filter(ticket=t).exists()  # 100 % sampling by default, the agent has an address


def test_survey_sampling_zero(operator, agent):
    HelpdeskSettings.objects.update(survey_rate_percent=0)
    t = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent, resolved_first_contact=True
    )
    assert not Survey.objects.filter(ticket=t).exists()


def test_refused_transition_names_both_statuses(operator, agent):
    t = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent)
    with pytest.raises(ValidationError, match="Nouveau.*Clos"):
        services.ticket_set_status(acting_user=operator, ticket=t, status=Status.CLOSED)


def test_visibility_by_role(users, dpe, dfpe):
    mediator, other_mediator = users[Role.MEDIATOR], UserFactory(role=Role.MEDIATOR)
    in_dpe = TicketFactory(requester=AgentFactory(direction=dpe), created_by=mediator)
    in_dfpe = TicketFactory(requester=AgentFactory(direction=dfpe), assigned_to=other_mediator)
    unknown = TicketFactory(requester=None, caller_name="Inconnu")
    everything = {in_dpe, in_dfpe, unknown}
    for role in (Role.ADMIN, Role.COORDINATOR, Role.HELPDESK):
        assert set(Ticket.objects.visible_to(users[role])) == everything
    assert set(Ticket.objects.visible_to(users[Role.HR])) == {in_dpe}
    assert set(Ticket.objects.visible_to(mediator)) == {in_dpe}
    assert set(Ticket.objects.visible_to(other_mediator)) == {in_dfpe}
    assert set(Ticket.objects.visible_to(UserFactory(role=""))) == set()


def test_permission_predicates(users, dpe):
    ticket = TicketFactory(requester=AgentFactory(direction=dpe))
    hr, mediator, operator = users[Role.HR], users[Role.MEDIATOR], users[Role.HELPDESK]
    assert permissions.can_reply_ticket(operator, ticket)
    assert not permissions.can_reply_ticket(hr, ticket)
    assert not permissions.can_view_internal_notes(hr, ticket)
    assert not permissions.can_reply_ticket(mediator, ticket)
    ticket.assigned_to = mediator
    assert permissions.can_reply_ticket(mediator, ticket)
    assert permissions.can_set_status(operator, ticket, Status.RESOLVED)
    assert not permissions.can_set_status(operator, ticket, Status.CLOSED)
    assert not permissions.can_assign_ticket(mediator, ticket)
    assert permissions.can_view_statistics(users[Role.COORDINATOR]) and not permissions.can_view_statistics(hr)


def test_services_refuse_unauthorised_users(users, dpe):
    ticket = TicketFactory(requester=AgentFactory(direction=dpe))
    with pytest.raises(PermissionDenied):
        services.ticket_reply(acting_user=users[Role.HR], ticket=ticket, body="x")
    with pytest.raises(PermissionDenied):
        services.ticket_assign(acting_user=users[Role.MEDIATOR], ticket=ticket, assignee=users[Role.MEDIATOR])
