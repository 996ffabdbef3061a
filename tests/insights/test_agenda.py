"""The coordinator's Monday morning: the week's plan, decisions waiting, tickets late, follow-ups forgotten,
groups lagging — on top of the home page, each with its link to act."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.accounts.enums import Role
from relais.fieldwork.enums import VisitStatus
from relais.helpdesk.enums import Status
from relais.insights import summary
from relais.insights.agenda import agenda_week_start
from relais.organisation.enums import SiteKind
from relais.planning.models import Plan, PlannedVisit
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, ParticipationFactory, VisitFactory
from tests.helpdesk.factories import TicketFactory
from tests.interventions.factories import submit

D = datetime.date
LONG_AGO = D(2020, 1, 1)


@pytest.fixture
def city(dpe, dfpe):
    """DPE "Dépôt Nord": 3 mailboxes, 1 activated; DFPE "Crèche Soleil": 2 of 2. City rate 3/5 = 60 %.
    At the city's rate DPE would have round(0.6 × 3) = 2 activated: 1 behind. DFPE is ahead."""
    depot = SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    creche = SiteFactory(name="Crèche Soleil", kind=SiteKind.CRECHE, direction=dfpe)
    ToolAccountFactory(agent=AgentFactory(direction=dpe, site=depot), provisioned_on=LONG_AGO, activated_on=LONG_AGO)
    for _ in range(2):
        ToolAccountFactory(agent=AgentFactory(direction=dpe, site=depot), provisioned_on=LONG_AGO)
    for _ in range(2):
        ToolAccountFactory(
            agent=AgentFactory(direction=dfpe, site=creche), provisioned_on=LONG_AGO, activated_on=LONG_AGO
        )
    return {"depot": depot, "creche": creche}


def _week_plan(city, *, confirmed: int, unconfirmed: int):
    monday = agenda_week_start(timezone.localdate())
    plan = Plan.objects.create(week_start=monday)
    mediator = MediatorFactory()
    for i in range(confirmed + unconfirmed):
        site = SiteFactory(name=f"Site {i}", direction=city["depot"].direction)
        visit = VisitFactory(site=site, date=monday, mediators=[mediator]) if i < confirmed else None
        PlannedVisit.objects.create(
            plan=plan,
            site=site,
            mediator=mediator,
            date=monday,
            starts_at=datetime.time(9),
            ends_at=datetime.time(10),
            fieldwork_visit=visit,
        )
    return plan


def _home(client, user, django_assert_max_num_queries, limit=20):
    # 12 for the overview and the headline (tests/insights/test_home.py) + 8 for the week: plan, requests (2),
    # tickets, follow-ups, direction codes, the summary's places, the sites named.
    client.force_login(user)
    summary.ensure_fresh()
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("insights:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</li>", start)] if testid != "agenda" else html[start:]


def test_week_starts_on_monday_and_turns_to_next_week_at_the_weekend():
    assert agenda_week_start(D(2026, 12, 7)) == D(2026, 12, 7)  # Monday
    assert agenda_week_start(D(2026, 12, 11)) == D(2026, 12, 7)  # Friday
    assert agenda_week_start(D(2026, 12, 12)) == D(2026, 12, 14)  # Saturday: next week is the one to prepare


def test_coordinator_sees_what_needs_them_with_links(client, city, users, dpe, django_assert_max_num_queries):
    coordinator, hr = users[Role.COORDINATOR], users[Role.HR]
    plan = _week_plan(city, confirmed=2, unconfirmed=3)
    old = submit(hr, dpe, title="Badgeuse des agents de collecte")
    submit(hr, dpe, title="Messagerie des gestionnaires RH")
    now = timezone.now()
    TicketFactory(due_at=now - datetime.timedelta(hours=2), warn_at=now - datetime.timedelta(hours=4))
    TicketFactory(due_at=now - datetime.timedelta(hours=1), warn_at=now - datetime.timedelta(hours=3))
    TicketFactory(due_at=now + datetime.timedelta(hours=1), warn_at=now - datetime.timedelta(minutes=5))
    TicketFactory(due_at=now + datetime.timedelta(days=2), warn_at=now + datetime.timedelta(days=1))  # not yet
    TicketFactory(status=Status.RESOLVED, due_at=now - datetime.timedelta(days=1))  # done: not counted
    long_ago = timezone.localdate() - datetime.timedelta(days=10)
    forgotten = ActivityFactory(visit=VisitFactory(site=city["depot"], date=long_ago, status=VisitStatus.DONE))
    ParticipationFactory(activity=forgotten, followup_needed=True)
    ParticipationFactory(activity=forgotten, followup_needed=True, followup_done_on=timezone.localdate())  # done
    recent = ActivityFactory(visit=VisitFactory(site=city["depot"], date=timezone.localdate()))
    ParticipationFactory(activity=recent, followup_needed=True)  # today's: not late yet

    html = _home(client, coordinator, django_assert_max_num_queries)
    agenda = _section(html, "agenda")
    assert html.index('data-testid="agenda"') < html.index('data-testid="overall-rate"')  # the page starts with it

    planning = _section(html, "agenda-plan")
    assert "5 visites, dont <strong>3 pas encore confirmées</strong>" in planning
    assert f"{reverse('planning:plan_week')}?semaine={plan.iso_week}" in planning

    requests = _section(html, "agenda-requests")
    assert "2 demandes d'intervention</strong> attendent votre décision" in requests
    assert f"{reverse('interventions:request_list')}?status=submitted" in requests
    assert reverse("interventions:request_detail", args=[old.public_id]) in agenda
    assert agenda.index("Badgeuse des agents") < agenda.index("Messagerie des gestionnaires")  # oldest first

    tickets = _section(html, "agenda-tickets")
    assert "2 tickets en retard</strong> sur leur délai" in tickets
    assert "1 ticket proche de son délai" in tickets
    assert f"{reverse('helpdesk:ticket_list')}?sla=breached" in tickets

    followups = _section(html, "agenda-followups")
    assert "<strong>1 suivi</strong> promis il y a plus de 7 jours" in followups
    assert reverse("fieldwork:team_activities") + "?outcome=followup_open" in followups

    directions = html[html.index('data-testid="agenda-directions"') : html.index('data-testid="agenda-sites"')]
    assert "DPE — Propreté et eau</a> : 33\u202f%, 1 boîte de retard" in directions
    assert "DFPE" not in directions  # ahead of the city's rate
    assert f"{reverse('insights:adoption')}?direction=DPE" in directions
    sites = html[html.index('data-testid="agenda-sites"') :]
    assert "Dépôt Nord</a> : 33\u202f%, 1 boîte de retard" in sites
    assert reverse("planning:site_detail", args=[city["depot"].public_id]) in sites
    assert "Crèche Soleil</a>" not in sites


def test_quiet_week_says_so_and_offers_to_plan(client, city, users, django_assert_max_num_queries):
    html = _home(client, users[Role.COORDINATOR], django_assert_max_num_queries)
    assert "Pas encore de planning</strong> pour la semaine du" in _section(html, "agenda-plan")
    assert "Proposer un planning" in html
    assert "Aucune demande d'intervention n'attend de décision." in html
    assert "Aucun ticket en retard ni proche de son délai." in html
    assert "Aucun suivi en retard." in html


def test_query_count_does_not_grow_with_the_city(client, city, users, dpe, django_assert_max_num_queries):
    """Many requests, tickets, follow-ups and planned visits: still the same handful of queries."""
    _week_plan(city, confirmed=5, unconfirmed=10)
    for i in range(6):
        submit(users[Role.HR], dpe, title=f"Demande {i}")
    now = timezone.now()
    for _ in range(10):
        TicketFactory(due_at=now - datetime.timedelta(hours=1))
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    for _ in range(5):
        activity = ActivityFactory(visit=VisitFactory(site=city["depot"], date=long_ago))
        ParticipationFactory(activity=activity, followup_needed=True)
    html = _home(client, users[Role.COORDINATOR], django_assert_max_num_queries)
    assert "6 demandes d'intervention" in html
    assert html.count(reverse("interventions:request_list") + "?status=submitted") == 1
    assert "10 tickets en retard" in html and "5 suivis</strong>" in html


@pytest.mark.parametrize("role", [Role.HR, Role.MEDIATOR, Role.HELPDESK])
def test_others_do_not_get_the_coordinators_week(client, city, users, role):
    client.force_login(users[role])
    html = client.get(reverse("insights:home")).content.decode()
    assert 'data-testid="agenda"' not in html
