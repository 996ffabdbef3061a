import datetime
import re

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.adoption.enums import Source
from relais.adoption.services import observation_record
from relais.agents.enums import Category, Statut
from relais.agents.hr_managers import key_for
from relais.agents.models import HRManager
from relais.agents.services import agent_update
from relais.organisation.enums import SiteKind
from tests.factories import AgentFactory, ServiceFactory, SiteFactory, ToolAccountFactory, UserFactory, mailbox

D = datetime.date
LONG_AGO = D(2020, 1, 1)
URL = reverse("agents:agent_list")


@pytest.fixture
def staff(dpe, dfpe):
    """Agents of two directions; the HR correspondent (`users["hr"]`) follows DPE only."""
    depot = SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe, address="12 rue du Nord")
    creche = SiteFactory(name="Crèche Soleil", kind=SiteKind.CRECHE, direction=dfpe)
    collecte = ServiceFactory(direction=dpe, name="Collecte")
    agents = {
        "elodie": AgentFactory(
            direction=dpe, service=collecte, site=depot, first_name="Élodie", last_name="Dupré", matricule="700001"
        ),
        "karim": AgentFactory(
            direction=dpe, site=depot, first_name="Karim", last_name="Martin", matricule="700002", category=Category.B
        ),
        "omar": AgentFactory(
            direction=dpe, first_name="Omar", last_name="Petit", matricule="700003", exit_date=D(2023, 5, 1)
        ),
        "marie": AgentFactory(
            direction=dfpe,
            site=creche,
            first_name="Marie",
            last_name="Dupré",
            matricule="800001",
            statut=Statut.CONTRACTUEL,
        ),
    }
    ToolAccountFactory(agent=agents["elodie"], provisioned_on=LONG_AGO, activated_on=D(2021, 1, 1))
    ToolAccountFactory(agent=agents["karim"], provisioned_on=LONG_AGO)
    ToolAccountFactory(agent=agents["marie"], provisioned_on=LONG_AGO, activated_on=D(2021, 1, 1))
    return agents


def names(response):
    return {row.agent.first_name for row in response.context["rows"]}


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_list_shows_agents_in_post_with_mailbox_badges(client, staff, users, django_assert_max_num_queries):
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    html = response.content.decode()
    assert names(response) == {"Élodie", "Karim", "Marie"}
    assert 'class="badge badge-activated">Activé (première connexion)' in html
    assert 'class="badge badge-provisioned">Compte créé, jamais activé' in html
    assert "3 agents trouvés" in html
    assert "!!MISSING" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "dupre"}, {"Élodie", "Marie"}),
        ({"q": "ÉLO"}, {"Élodie"}),
        ({"q": "mar"}, {"Karim", "Marie"}),  # word starts: Martin, Marie — not "Omar"
        ({"q": "700002"}, {"Karim"}),
        ({"q": "dupre marie"}, {"Marie"}),
        ({"q": "zzz"}, set()),
        ({"direction": "DFPE"}, {"Marie"}),
        ({"site_kind": SiteKind.DEPOT_PROPRETE}, {"Élodie", "Karim"}),
        ({"category": "B"}, {"Karim"}),
        ({"statut": Statut.CONTRACTUEL}, {"Marie"}),
        ({"mailbox": "activated"}, {"Élodie", "Marie"}),
        ({"mailbox": "provisioned"}, {"Karim"}),
        ({"mailbox": "no_account"}, set()),
        ({"presence": "sortis"}, {"Omar"}),
        ({"presence": "tous", "mailbox": "no_account"}, {"Omar"}),
        ({"presence": "tous"}, {"Élodie", "Karim", "Omar", "Marie"}),
    ],
)
def test_search_and_filters(client, staff, users, params, expected):
    assert names(get(client, users[Role.COORDINATOR], **params)) == expected


def test_filter_by_service(client, staff, users):
    service = staff["elodie"].service
    assert names(get(client, users[Role.COORDINATOR], service=str(service.public_id))) == {"Élodie"}


def test_hr_never_sees_another_direction_in_list_search_or_filters(client, staff, users):
    hr = users[Role.HR]
    assert names(get(client, hr)) == {"Élodie", "Karim"}
    assert names(get(client, hr, q="dupre")) == {"Élodie"}
    assert names(get(client, hr, q="marie")) == set()
    assert names(get(client, hr, q="800001")) == set()
    assert names(get(client, hr, presence="tous")) == {"Élodie", "Karim", "Omar"}
    # A direction out of scope is refused as a filter, never applied to widen the scope.
    response = get(client, hr, direction="DFPE")
    assert names(response) == {"Élodie", "Karim"}
    assert "direction" in response.context["form"].errors
    html = get(client, hr, presence="tous").content.decode()
    assert "Marie" not in html and "DFPE" not in html and "Crèche Soleil" not in html
    assert "Familles" not in html  # not even in the direction filter's options


def test_hr_htmx_fragment_is_scoped_too(client, staff, users):
    client.force_login(users[Role.HR])
    response = client.get(URL, {"q": "dupre"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html  # the results region only
    assert "Élodie" in html and "Marie" not in html
    assert 'hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]


def test_pagination(client, dpe, users, django_assert_max_num_queries):
    AgentFactory.create_batch(120, direction=dpe)
    client.force_login(users[Role.HR])
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"page": 3, "q": "durand"})
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, len(response.context["rows"])) == (3, 3, 20)
    html = response.content.decode()
    assert "Page 3 sur 3" in html
    assert "?page=2&amp;q=durand" in html


def test_user_without_role_is_refused(client, staff):
    client.force_login(UserFactory(role=""))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("agents:agent_detail", args=[staff["elodie"].public_id])).status_code == 403


def test_anonymous_is_sent_to_login(client, staff):
    for url in (URL, reverse("agents:agent_detail", args=[staff["elodie"].public_id])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_detail_shows_identity_assignment_tools_and_history(client, staff, users, django_assert_max_num_queries):
    agent = staff["elodie"]
    observation_record(
        acting_user=users[Role.ADMIN],
        agent=agent,
        tool=mailbox(),
        source=Source.M365,
        as_of=D(2026, 3, 31),
        last_activity_on=D(2026, 3, 30),
    )
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("agents:agent_detail", args=[agent.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Élodie DUPRÉ", "700001", "Collecte", "Dépôt Nord", "Dépôt de propreté", "12 rue du Nord"):
        assert text in html
    assert "Messagerie" in html
    assert "Microsoft 365" in html and "31/03/2026" in html
    assert "Journal des modifications" not in html  # administrators only
    assert "!!MISSING" not in html


def test_admin_sees_the_agent_journal(client, staff, users):
    agent = staff["elodie"]
    agent_update(acting_user=users[Role.ADMIN], agent=agent, job_title="Éboueuse")
    client.force_login(users[Role.ADMIN])
    html = client.get(reverse("agents:agent_detail", args=[agent.public_id])).content.decode()
    assert "Journal des modifications" in html
    assert "Éboueuse" in html


def test_hr_gets_404_for_another_direction_agent(client, staff, users):
    client.force_login(users[Role.HR])
    assert client.get(reverse("agents:agent_detail", args=[staff["elodie"].public_id])).status_code == 200
    response = client.get(reverse("agents:agent_detail", args=[staff["marie"].public_id]))
    assert response.status_code == 404
    assert "Marie" not in response.content.decode()


def test_hr_manager_of_another_direction_is_named_but_not_linked(client, staff, users):
    # The HR manager manages a file of the correspondent's direction, so the correspondent may know them
    # (HRManager.objects.visible_to); the agent they are belongs to another direction: no link to that page.
    marie = staff["marie"]
    agent = staff["elodie"]
    agent.hr_manager = HRManager.objects.create(
        label="DUPRÉ Marie", key=key_for("DUPRÉ Marie"), kind="name", agent=marie
    )
    agent.save()
    client.force_login(users[Role.HR])
    html = client.get(reverse("agents:agent_detail", args=[agent.public_id])).content.decode()
    assert "DUPRÉ Marie" in html
    assert str(marie.public_id) not in html
    client.force_login(users[Role.COORDINATOR])
    html = client.get(reverse("agents:agent_detail", args=[agent.public_id])).content.decode()
    assert "Marie Dupré" in html and str(marie.public_id) in html


def test_hr_manager_by_code_without_agent_shows_its_label(client, staff, users):
    agent = staff["elodie"]
    agent.hr_manager = HRManager.objects.create(label="GRH-07", key=key_for("GRH-07"), kind="code")
    agent.save()
    client.force_login(users[Role.HR])
    html = client.get(reverse("agents:agent_detail", args=[agent.public_id])).content.decode()
    assert "GRH-07" in html


def test_no_nir_or_iban_on_agent_pages(client, staff, users):
    client.force_login(users[Role.ADMIN])
    for url in (URL, reverse("agents:agent_detail", args=[staff["elodie"].public_id])):
        html = client.get(url).content.decode().lower()
        assert not re.search(r"\b(nir|iban|bic|rib)\b", html)
        assert "sécurité sociale" not in html


def test_filter_panel_opens_only_when_a_filter_is_set(client, staff, users):
    assert '<details class="filter-panel">' in get(client, users[Role.COORDINATOR], q="dupre").content.decode()
    html = get(client, users[Role.COORDINATOR], category="B").content.decode()
    assert '<details class="filter-panel" open>' in html


def test_departures_are_told_apart(client, staff, users):
    leaving = AgentFactory(direction=staff["elodie"].direction, first_name="Zoé", exit_date=D(2999, 1, 1))
    client.force_login(users[Role.COORDINATOR])
    html = client.get(URL, {"presence": "tous"}).content.decode()
    assert "Sortie le 01/05/2023" in html and "Départ prévu le 01/01/2999" in html
    html = client.get(reverse("agents:agent_detail", args=[staff["omar"].public_id])).content.decode()
    assert "A quitté ses fonctions le 1 mai 2023" in html
    html = client.get(reverse("agents:agent_detail", args=[leaving.public_id])).content.decode()
    assert "En poste" in html
    newcomer = AgentFactory(direction=staff["elodie"].direction, entry_date=D(2999, 1, 1))
    html = client.get(reverse("agents:agent_detail", args=[newcomer.public_id])).content.decode()
    assert "Arrivée prévue le 1 janvier 2999" in html
