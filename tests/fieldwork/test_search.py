"""Participant search beyond the first candidates: crowded surnames, first names typed alone, both names.

The same checks run on SQLite and PostgreSQL, whose fallbacks differ (a bounded scan; the trigram index).
"""

import pytest

from relais.agents.models import Agent
from relais.fieldwork.selectors import PREFIX_CANDIDATES, agent_search
from tests.factories import AgentFactory, SiteFactory
from tests.fieldwork.factories import MediatorFactory

pytestmark = pytest.mark.django_db


def _crowd(direction, last_name: str, n: int, start: int) -> None:
    """`n` agents sharing a surname, written in one statement (search_text filled as the bulk writers do)."""
    rows = []
    for i in range(n):
        first, matricule = f"Prenom{i:03}", f"{start + i}"
        rows.append(
            Agent(
                matricule=matricule,
                last_name=last_name,
                first_name=first,
                direction=direction,
                search_text=Agent.build_search_text(
                    last_name=last_name, usage_name="", first_name=first, matricule=matricule
                ),
            )
        )
    Agent.objects.bulk_create(rows)


def _names(hits) -> list[str]:
    return [h.agent.display_name for h in hits]


def test_a_surname_behind_a_crowd_sharing_its_first_letters(dpe):
    _crowd(dpe, "Berthelot", PREFIX_CANDIDATES + 20, 700000)
    bertrand = AgentFactory(last_name="Bertrand", first_name="Hélène", direction=dpe)
    user = MediatorFactory()
    for query in ("bertra", "bertrand", "bertrand helene", "helene bertrand"):
        hits = agent_search(user=user, query=query, site=SiteFactory(direction=dpe))
        assert hits and hits[0].agent == bertrand, (query, _names(hits))


def test_a_first_name_or_a_birth_name_typed_alone(dpe):
    married = AgentFactory(last_name="Garnier", usage_name="Moreau", first_name="Ophélie", direction=dpe)
    user = MediatorFactory()
    assert married in [h.agent for h in agent_search(user=user, query="ophelie")]
    assert married in [h.agent for h in agent_search(user=user, query="garnier")]  # the birth name
    assert agent_search(user=user, query="ophelie moreau")[0].agent == married
