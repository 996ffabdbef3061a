"""A search for « traore jacq » lists the Traoré named Jacq…, never a JACQUET who is not Traoré: every word must
match, on the agent list, the field-work participant search (typo-tolerant) and the helpdesk caller search."""

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.fieldwork.selectors import agent_search as fieldwork_search
from relais.helpdesk.selectors import agent_search as helpdesk_search
from tests.factories import AgentFactory


@pytest.fixture
def people(dpe):
    return {
        "match": AgentFactory(direction=dpe, last_name="Traoré", first_name="Jacqueline"),
        "other_traore": AgentFactory(direction=dpe, last_name="Traoré", first_name="Awa"),
        "jacquet": AgentFactory(direction=dpe, last_name="JACQUET", first_name="Pierre"),
        "jacquet_tracy": AgentFactory(direction=dpe, last_name="Jacquet", first_name="Tracy"),
        "jacquot": AgentFactory(direction=dpe, last_name="Jacquot", first_name="André"),
    }


def test_agent_list_lists_only_agents_matching_every_word(client, users, people):
    client.force_login(users[Role.COORDINATOR])
    html = client.get(reverse("agents:agent_list"), {"q": "traore jacq"}).content.decode()
    assert "Jacqueline" in html
    assert "JACQUET" not in html and "Jacquet" not in html and "Jacquot" not in html and "Awa" not in html
    assert "1 agent trouvé" in html


def test_fieldwork_search_needs_every_word_even_with_typos(users, people):
    mediator = users[Role.MEDIATOR]
    names = [h.agent.first_name for h in fieldwork_search(user=mediator, query="traore jacq")]
    assert names == ["Jacqueline"]
    # Typo tolerance is kept for each word: "traroe jacq" still finds her.
    assert [h.agent.first_name for h in fieldwork_search(user=mediator, query="traroe jacq")] == ["Jacqueline"]
    # One word alone still lists everyone it starts.
    assert {h.agent.last_name for h in fieldwork_search(user=mediator, query="jacq")} >= {"JACQUET", "Jacquot"}


def test_helpdesk_caller_search_needs_every_word(users, people):
    hits = helpdesk_search(user=users[Role.HELPDESK], q="traore jacq")
    assert [a.first_name for a in hits] == ["Jacqueline"]
