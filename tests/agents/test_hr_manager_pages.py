"""The HR managers page and the HR manager on an agent's page: the right people, the right counts."""

import datetime

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.agents.hr_managers import resolve
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("agents:hr_manager_list")


@pytest.fixture
def managed(dpe, dfpe):
    sophie = AgentFactory(last_name="Martin", first_name="Sophie", direction=dpe, job_title="Gestionnaire RH")
    found = resolve(["MARTIN Sophie", "GRH-DFPE", "paul.roux@paris.fr"])
    for _ in range(3):
        AgentFactory(direction=dpe, hr_manager=found["MARTIN Sophie"])
    AgentFactory(direction=dfpe, hr_manager=found["MARTIN Sophie"])
    AgentFactory(direction=dpe, hr_manager=found["MARTIN Sophie"], exit_date=datetime.date(2020, 1, 1))  # left
    AgentFactory(direction=dfpe, hr_manager=found["GRH-DFPE"])
    return {"sophie": sophie, **found}


def test_coordinator_sees_every_hr_manager_with_its_files(client, users, managed):
    client.force_login(users[Role.COORDINATOR])
    response = client.get(URL)
    rows = [(r.manager.label, r.files) for r in response.context["rows"]]
    assert rows == [("MARTIN Sophie", 4), ("GRH-DFPE", 1), ("paul.roux@paris.fr", 0)]
    html = response.content.decode()
    assert str(managed["sophie"].public_id) in html and "Non rapproché" in html


def test_hr_correspondent_sees_their_directions_hr_managers_and_files_only(client, users, managed):
    client.force_login(users[Role.HR])
    rows = [(r.manager.label, r.files) for r in client.get(URL).context["rows"]]
    assert rows == [("MARTIN Sophie", 3)]  # the DFPE file and the DFPE code stay out of sight


def test_search_by_name_in_any_order_or_code(client, users, managed):
    client.force_login(users[Role.COORDINATOR])
    assert [r.manager.label for r in client.get(URL, {"q": "sophie mart"}).context["rows"]] == ["MARTIN Sophie"]
    assert [r.manager.label for r in client.get(URL, {"q": "grh-dfpe"}).context["rows"]] == ["GRH-DFPE"]


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.HELPDESK, ""])
def test_others_may_not_list_hr_managers(client, users, role):
    client.force_login(users[role] if role else UserFactory(username="nobody", role=""))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_list_queries_are_bounded(client, users, managed, django_assert_max_num_queries):
    for n in range(30):
        AgentFactory(hr_manager=resolve([f"CODE{n}"])[f"CODE{n}"])
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_agent_list_links_to_hr_managers_for_those_allowed(client, users):
    client.force_login(users[Role.HR])
    assert URL in client.get(reverse("agents:agent_list")).content.decode()
    client.force_login(users[Role.MEDIATOR])
    assert URL not in client.get(reverse("agents:agent_list")).content.decode()
