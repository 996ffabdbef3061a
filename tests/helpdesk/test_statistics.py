"""The line's statistics equal the figures counted by hand."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.helpdesk import services
from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import Survey
from relais.helpdesk.statistics import helpdesk_statistics
from tests.factories import AgentFactory
from tests.helpdesk.factories import topic

PARIS = ZoneInfo("Europe/Paris")


def at(d, h=10):
    return datetime.datetime(2025, 3, d, h, tzinfo=PARIS)


@pytest.fixture
def week(users, dpe, dfpe):
    """Monday 3 to Friday 7 March 2025: five tickets with known outcomes."""
    op = users[Role.HELPDESK]
    a_dpe = AgentFactory(direction=dpe, work_email="a@paris.example")
    a_dfpe = AgentFactory(direction=dfpe)
    mail = topic("messagerie")
    pwd = topic("mots-de-passe")
    t1 = services.ticket_create(
        acting_user=op,
        channel=Channel.PHONE,
        subject="1",
        requester=a_dpe,
        category=mail,
        resolved_first_contact=True,
        now=at(3),
    )
    t2 = services.ticket_create(
        acting_user=op, channel=Channel.PHONE, subject="2", requester=a_dpe, category=mail, now=at(3)
    )
    services.ticket_set_status(acting_user=op, ticket=t2, status=Status.RESOLVED, now=at(4))  # within 18 h
    t3 = services.ticket_create(
        acting_user=None, channel=Channel.WEB, subject="3", requester=a_dfpe, category=pwd, now=at(4)
    )
    services.ticket_reply(acting_user=op, ticket=t3, body="ok", next_status=Status.RESOLVED, now=at(7))  # both late
    t4 = services.ticket_create(
        acting_user=None, channel=Channel.EMAIL, subject="4", caller_email="x@ex.fr", category=pwd, now=at(5)
    )
    dup = services.ticket_create(acting_user=op, channel=Channel.PHONE, subject="5", requester=a_dpe, now=at(5))
    services.ticket_set_status(acting_user=op, ticket=dup, status=Status.DUPLICATE, duplicate_of=t2, now=at(5))
    s1 = Survey.objects.get(ticket=t1)
    Survey.objects.filter(pk=s1.pk).update(sent_at=at(4), rating=4)
    Survey.objects.filter(ticket=t2).update(sent_at=at(5), rating=2)
    return t1, t2, t3, t4


def test_figures_by_hand(users, week):
    stats = helpdesk_statistics(
        user=users[Role.COORDINATOR], start=datetime.date(2025, 3, 3), end=datetime.date(2025, 3, 7)
    )
    assert stats.total == 4  # the duplicate is left out
    assert dict(stats.by_channel) == {"Téléphone": 2, "Formulaire en ligne": 1, "Courriel": 1}
    assert dict(stats.by_topic) == {
        "Activer sa messagerie professionnelle": 2,
        "Mots de passe et double authentification": 2,
    }
    assert stats.first_contact == 1 and stats.first_contact_rate == 0.25
    # First response: t1, t2 (calls, on time), t3 (answered 7 March, due 4 March afternoon) -> 2 of 3.
    assert (stats.first_response_met, stats.first_response_measured) == (2, 3)
    # Resolution: t1, t2 on time; t3 late -> 2 of 3.
    assert (stats.resolution_met, stats.resolution_measured) == (2, 3)
    assert stats.surveys_sent == 2 and stats.surveys_answered == 2 and stats.satisfaction_average == 3
    assert dict(stats.satisfaction_by_mark)[4] == 1
    assert dict(stats.top_by_direction)["DPE"] == [("Activer sa messagerie professionnelle", 2)]
    assert dict(stats.top_by_direction)["Non identifiée"] == [("Mots de passe et double authentification", 1)]


def test_period_bounds(users, week):
    stats = helpdesk_statistics(
        user=users[Role.COORDINATOR], start=datetime.date(2025, 3, 5), end=datetime.date(2025, 3, 5)
    )
    assert stats.total == 1


def test_page(client, users, week, django_assert_max_num_queries):
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("helpdesk:statistics"), {"start": "2025-03-03", "end": "2025-03-07"})
    html = response.content.decode()
    assert response.status_code == 200 and "!!MISSING" not in html
    assert "4 tickets" in html and "25 %" in html and "67 %" in html
    client.force_login(users[Role.HR])
    assert client.get(reverse("helpdesk:statistics")).status_code == 403
