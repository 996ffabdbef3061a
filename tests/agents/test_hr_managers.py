"""HR managers as extracts name them: keys, matching to agents and users, and who may see them."""

import pytest

from relais.accounts.enums import Role
from relais.agents.hr_managers import key_for, resolve
from relais.agents.models import HRKind, HRManager
from tests.factories import AgentFactory, DirectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("MARTIN Sophie", "name:martin sophie"),
        ("Sophie Martin", "name:martin sophie"),
        ("  sophie   MARTIN ", "name:martin sophie"),
        ("Mme MARTIN Sophie", "name:martin sophie"),
        ("Madame Sophie Martin", "name:martin sophie"),
        ("Mme MARTIN S.", "name:martin s"),
        ("M. Dupont Jean", "name:dupont jean"),
        ("MARTIN M.", "name:m martin"),  # a trailing initial is not a civility
        ("Élodie Dupré-Léger", "name:dupre elodie leger"),
        ("sophie.martin@paris.fr", "email:sophie.martin@paris.fr"),
        ("Sophie.Martin@Paris.FR", "email:sophie.martin@paris.fr"),
        ("1000123", "id:1000123"),
        ("grh-07", "id:GRH-07"),
        ("", ""),
        ("   ", ""),
        ("-", ""),
        ("?", ""),
        (None, ""),
    ],
)
def test_key_for(value, key):
    assert key_for(value) == key


def test_resolve_by_matricule_links_the_agent_and_its_user():
    manager_agent = AgentFactory(matricule="1000123", work_email="sophie.martin@paris.fr")
    user = UserFactory(username="smartin", email="Sophie.Martin@paris.fr")
    found = resolve(["1000123", "", "1000123"])
    assert found[""] is None
    manager = found["1000123"]
    assert manager.kind == HRKind.MATRICULE and manager.agent == manager_agent and manager.user == user
    assert manager.email == "sophie.martin@paris.fr" and manager.label == "1000123"
    assert HRManager.objects.count() == 1


def test_resolve_unknown_identifier_is_a_code_without_agent():
    manager = resolve(["GRH-07"])["GRH-07"]
    assert manager.kind == HRKind.CODE and manager.agent is None and manager.user is None
    assert str(manager) == "GRH-07"


def test_resolve_code_matches_a_username():
    user = UserFactory(username="grh07")
    assert resolve(["GRH07"])["GRH07"].user == user


def test_resolve_by_email_matches_agent_and_user():
    agent = AgentFactory(work_email="Paul.Durand@paris.fr")
    user = UserFactory(username="pdurand", email="paul.durand@paris.fr")
    manager = resolve(["paul.durand@PARIS.fr"])["paul.durand@PARIS.fr"]
    assert manager.kind == HRKind.EMAIL and manager.agent == agent and manager.user == user
    assert manager.email == "paul.durand@paris.fr"


def test_resolve_names_every_way_extracts_write_them():
    sophie = AgentFactory(last_name="Martin", first_name="Sophie")
    found = resolve(["MARTIN Sophie", "Sophie Martin", "Mme MARTIN S."])
    assert found["MARTIN Sophie"] == found["Sophie Martin"]
    assert found["MARTIN Sophie"].label == "MARTIN Sophie"  # as first written
    assert found["MARTIN Sophie"].agent == sophie and found["MARTIN Sophie"].kind == HRKind.NAME
    assert found["Mme MARTIN S."].agent == sophie  # the initial designates her alone
    assert HRManager.objects.count() == 2


def test_resolve_matches_a_usage_name():
    agent = AgentFactory(last_name="Petit", usage_name="Moreau", first_name="Claire")
    assert resolve(["MOREAU Claire"])["MOREAU Claire"].agent == agent


def test_ambiguous_name_is_not_matched_but_kept():
    AgentFactory(last_name="Bernard", first_name="Luc")
    AgentFactory(last_name="Bernard", first_name="Luc")
    manager = resolve(["BERNARD Luc"])["BERNARD Luc"]
    assert manager.pk and manager.agent is None and manager.label == "BERNARD Luc"


def test_ambiguous_name_goes_to_the_only_hr_manager_among_namesakes():
    AgentFactory(last_name="Bernard", first_name="Luc", job_title="Agent de propreté")
    hr = AgentFactory(last_name="Bernard", first_name="Luc", job_title="Gestionnaire RH")
    assert resolve(["BERNARD Luc"])["BERNARD Luc"].agent == hr


def test_ambiguous_initial_is_not_matched():
    AgentFactory(last_name="Martin", first_name="Sophie")
    AgentFactory(last_name="Martin", first_name="Serge")
    assert resolve(["MARTIN S."])["MARTIN S."].agent is None


def test_name_alone_is_kept_without_agent():
    AgentFactory(last_name="Martin", first_name="Sophie")
    manager = resolve(["Mme MARTIN"])["Mme MARTIN"]
    assert manager.kind == HRKind.NAME and manager.agent is None


def test_resolve_again_finds_the_same_and_matches_agents_that_came_later():
    first = resolve(["DURAND Paul"])["DURAND Paul"]
    assert first.agent is None
    paul = AgentFactory(last_name="Durand", first_name="Paul")
    again = resolve(["Paul DURAND"])["Paul DURAND"]
    assert again.pk == first.pk and again.agent == paul
    assert HRManager.objects.count() == 1


def test_resolve_thousands_of_values_in_few_queries(django_assert_max_num_queries):
    AgentFactory(last_name="Martin", first_name="Sophie")
    values = [f"GESTIONNAIRE{n} Nom{n}" for n in range(1500)] + [f"C{n}" for n in range(1500)]
    with django_assert_max_num_queries(40):
        found = resolve(values)
    assert len(found) == 3000 and HRManager.objects.count() == 3000


def test_visible_to_follows_the_direction_scope():
    dpe, dfpe = DirectionFactory(code="DPE"), DirectionFactory(code="DFPE")
    in_dpe = HRManager.objects.create(label="A", key="id:A", kind="code", agent=AgentFactory(direction=dpe))
    manages_dpe = HRManager.objects.create(label="B", key="id:B", kind="code")
    AgentFactory(direction=dpe, hr_manager=manages_dpe)
    AgentFactory(direction=dpe, hr_manager=manages_dpe)
    elsewhere = HRManager.objects.create(label="C", key="id:C", kind="code", agent=AgentFactory(direction=dfpe))
    AgentFactory(direction=dfpe, hr_manager=elsewhere)
    nobody = HRManager.objects.create(label="D", key="id:D", kind="code")
    hr = UserFactory(role=Role.HR, directions=[dpe])
    assert list(HRManager.objects.visible_to(hr)) == [in_dpe, manages_dpe]
    assert HRManager.objects.visible_to(UserFactory(role=Role.HR)).count() == 0
    coordinator = UserFactory(role=Role.COORDINATOR)
    assert set(HRManager.objects.visible_to(coordinator)) == {in_dpe, manages_dpe, elsewhere, nobody}
    assert HRManager.objects.visible_to(UserFactory(role="")).count() == 0
