import datetime

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.adoption.selectors import activation_by
from relais.agents.enums import Category
from relais.insights import summary
from relais.insights.selectors import activation_overview, home_overview
from relais.insights.templatetags.insights import bar_step, percent
from relais.organisation.enums import SiteKind
from tests.factories import AgentFactory, ServiceFactory, SiteFactory, ToolAccountFactory, UserFactory, mailbox

D = datetime.date
TODAY = datetime.date.today()
LONG_AGO = D(2020, 1, 1)


@pytest.fixture
def city(dpe, dfpe):
    """A small city with figures easy to count by hand.

    DPE (cleaning depot, service "Collecte"): 4 agents in post (3 C, 1 B) + 1 who left;
        mailboxes: 3 created, 2 activated (one of them later disabled) -> 1 activated of 3.
        Precisely: a1 activated, a2 activated then disabled, a3 created only, a4 (B) no mailbox,
        a5 left (activated, not counted).
    DFPE (crèche, service "Crèches Est"): 2 agents C, both with an activated mailbox -> 2 of 2.
    """
    depot = SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    creche = SiteFactory(name="Crèche Soleil", kind=SiteKind.CRECHE, direction=dfpe)
    collecte = ServiceFactory(direction=dpe, name="Collecte")
    creches = ServiceFactory(direction=dfpe, name="Crèches Est")

    def dpe_agent(**kw):
        return AgentFactory(direction=dpe, service=collecte, site=depot, **kw)

    ToolAccountFactory(agent=dpe_agent(last_name="Alpha"), provisioned_on=LONG_AGO, activated_on=D(2021, 1, 1))
    ToolAccountFactory(
        agent=dpe_agent(last_name="Bravo"),
        provisioned_on=LONG_AGO,
        activated_on=D(2021, 1, 1),
        disabled_on=D(2022, 1, 1),
    )
    ToolAccountFactory(agent=dpe_agent(last_name="Charlie"), provisioned_on=LONG_AGO)
    dpe_agent(last_name="Delta", category=Category.B)
    ToolAccountFactory(
        agent=dpe_agent(last_name="Echo", exit_date=D(2023, 1, 1)), provisioned_on=LONG_AGO, activated_on=LONG_AGO
    )
    for name in ("Fox", "Golf"):
        ToolAccountFactory(
            agent=AgentFactory(direction=dfpe, service=creches, site=creche, last_name=name),
            provisioned_on=LONG_AGO,
            activated_on=D(2021, 6, 1),
        )


def as_tuple(row):
    return (row.agents, row.accounts, row.activated)


def test_overview_figures_match_hand_count(city, users):
    overview = activation_overview(user=users[Role.COORDINATOR], tool=mailbox())
    assert as_tuple(overview.total) == (6, 5, 3)
    assert {r.label: as_tuple(r) for r in overview.by_direction} == {
        "DFPE — Familles et petite enfance": (2, 2, 2),
        "DPE — Propreté et eau": (4, 3, 1),
    }
    assert [r.label for r in overview.by_direction] == ["DFPE — Familles et petite enfance", "DPE — Propreté et eau"]
    assert {r.label: as_tuple(r) for r in overview.by_category} == {"Catégorie B": (1, 0, 0), "Catégorie C": (5, 5, 3)}
    assert {r.label: as_tuple(r) for r in overview.by_site_kind} == {
        "Dépôt de propreté": (4, 3, 1),
        "Crèche": (2, 2, 2),
    }
    assert overview.total.rate == pytest.approx(3 / 5)


def test_overview_equals_activation_by(city, users):
    """The one-query overview and the reference selector agree, for every direction and day."""
    tool = mailbox()
    for day in (D(2020, 6, 1), D(2021, 3, 1), D(2022, 6, 1), TODAY):
        for user in (users[Role.COORDINATOR], users[Role.HR]):
            overview = activation_overview(user=user, tool=tool, day=day)
            reference = activation_by(user=user, tool=tool, day=day, group_by="direction__code")
            assert sorted(as_tuple(r) for r in overview.by_direction) == sorted(as_tuple(r) for r in reference)


def test_hr_overview_counts_only_their_directions(city, users):
    overview = activation_overview(user=users[Role.HR], tool=mailbox(), with_services=True)
    assert as_tuple(overview.total) == (4, 3, 1)
    assert [r.label for r in overview.by_direction] == ["DPE — Propreté et eau"]
    assert {r.label: as_tuple(r) for r in overview.by_service} == {"Collecte": (4, 3, 1)}
    assert {r.label for r in overview.by_site_kind} == {"Dépôt de propreté"}


def test_coordinator_home_shows_city_figures(client, city, users, django_assert_max_num_queries):
    client.force_login(users[Role.COORDINATOR])
    summary.ensure_fresh()  # built once per change, shared by every request (rebuild cost measured apart)
    with django_assert_max_num_queries(20):  # 12 for the figures, 8 for the week on top (tests/insights/test_agenda.py)
        response = client.get(reverse("insights:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vue d'ensemble de la ville" in html
    assert "60,0\u202f%" in html  # 3 activated of 5 mailboxes
    assert "DFPE — Familles et petite enfance" in html and "DPE — Propreté et eau" in html
    assert "Par type de site" in html and "Par catégorie" in html
    assert 'data-testid="headline"' in html and "60\u202f% à l&#x27;échelle de la ville" in html
    assert reverse("insights:adoption") in html and reverse("insights:campaign_list") in html
    assert "!!MISSING" not in html


def test_admin_home_is_the_city_overview(client, city, users):
    client.force_login(users[Role.ADMIN])
    html = client.get(reverse("insights:home")).content.decode()
    assert "Vue d'ensemble de la ville" in html
    assert "Administration" in html


def test_hr_home_shows_only_their_directions(client, city, users, django_assert_max_num_queries):
    client.force_login(users[Role.HR])
    summary.ensure_fresh()  # built once per change, shared by every request (rebuild cost measured apart)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("insights:home"))
    html = response.content.decode()
    assert "Vos directions" in html
    assert "33\u202f%" in html  # 1 activated of 3 mailboxes in DPE
    assert "Collecte" in html
    assert "DFPE" not in html and "Crèche" not in html and "Familles" not in html
    assert "!!MISSING" not in html


def test_hr_without_direction_is_told_so(client, db):
    client.force_login(UserFactory(role=Role.HR))
    html = client.get(reverse("insights:home")).content.decode()
    assert "Aucune direction ne vous est attribuée" in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.MEDIATOR, "Ma journée"), (Role.HELPDESK, "File d'attente")],
)
def test_field_roles_get_their_summary_and_search(client, users, role, expected):
    client.force_login(users[role])
    html = client.get(reverse("insights:home")).content.decode()
    assert expected in html
    assert f'action="{reverse("agents:agent_list")}"' in html
    assert "Taux d'activation" not in html
    assert "!!MISSING" not in html


def test_user_without_role_sees_no_data(client, city):
    client.force_login(UserFactory(role=""))
    html = client.get(reverse("insights:home")).content.decode()
    assert "n'a pas encore de rôle" in html
    assert "Taux" not in html


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("insights:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("share", "text", "step"),
    [(None, "—", 0), (0, "0\u202f%", 0), (0.3712, "37\u202f%", 35), (0.976, "98\u202f%", 100), (1, "100\u202f%", 100)],
)
def test_rate_formatting(share, text, step):
    assert percent(share) == text
    assert bar_step(share) == step


def test_activation_by_without_group_is_one_total_row(city, users):
    rows = activation_by(user=users[Role.COORDINATOR], tool=mailbox())
    assert [(r.label, as_tuple(r)) for r in rows] == [("Ensemble", (6, 5, 3))]


def test_services_carry_their_direction_for_someone_following_several(city, users, dfpe):
    users[Role.HR].directions.add(dfpe)
    users[Role.HR]._relais_scope = None
    overview = activation_overview(user=users[Role.HR], tool=mailbox(), with_services=True)
    assert {r.label for r in overview.by_service} == {"DPE · Collecte", "DFPE · Crèches Est"}
    assert as_tuple(overview.total) == (6, 5, 3)


def test_home_figures_are_memoised_until_the_journal_moves(city, users, settings, django_assert_num_queries):
    from django.core.cache import cache

    from relais.adoption.enums import Source
    from relais.adoption.services import observation_record
    from relais.agents.models import Agent

    settings.RELAIS_OVERVIEW_CACHE_SECONDS = 300
    cache.clear()
    coordinator, hr, tool = users[Role.COORDINATOR], users[Role.HR], mailbox()
    first = home_overview(user=coordinator, tool=tool)
    with django_assert_num_queries(1):  # the journal's last id and the summary's build time
        assert home_overview(user=coordinator, tool=tool) is not None
    # Another scope never reads the city's figures.
    assert as_tuple(home_overview(user=hr, tool=tool, with_services=True).total) == (4, 3, 1)
    # A journaled change (a mailbox activated on site) shows at once.
    charlie = Agent.objects.get(last_name="Charlie")
    observation_record(
        acting_user=users[Role.MEDIATOR],
        agent=charlie,
        tool=tool,
        source=Source.MEDIATION,
        as_of=TODAY,
        first_sign_in_on=TODAY,
    )
    assert as_tuple(first.total) == (6, 5, 3)
    assert as_tuple(home_overview(user=coordinator, tool=tool).total) == (6, 5, 4)
    cache.clear()


def test_mediator_home_lists_todays_visits_and_open_followups(client, users):
    from relais.fieldwork.enums import VisitStatus
    from tests.fieldwork.factories import ActivityFactory, ParticipationFactory, VisitFactory

    mediator = users[Role.MEDIATOR]
    visit = VisitFactory(mediators=[mediator], status=VisitStatus.PLANNED, date=datetime.date.today())
    VisitFactory(mediators=[mediator], date=datetime.date.today() - datetime.timedelta(days=1))
    ParticipationFactory(
        activity=ActivityFactory(visit=visit), followup_needed=True, followup_reason="Revoir la double authentification"
    )
    client.force_login(mediator)
    html = client.get(reverse("insights:home")).content.decode()
    assert visit.site.name in html and reverse("fieldwork:visit_detail", args=[visit.public_id]) in html
    assert "1 participant" in html
    assert "1 suivi à faire" in html
    assert reverse("fieldwork:my_day") in html


def test_helpdesk_home_summarises_the_queue(client, users):
    client.force_login(users[Role.HELPDESK])
    html = client.get(reverse("insights:home")).content.decode()
    assert 'data-testid="queue-open">0<' in html and 'data-testid="queue-breached">0<' in html
    assert reverse("helpdesk:ticket_list") in html
