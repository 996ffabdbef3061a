"""A small hand-made city whose figures are counted by hand in the tests' docstrings."""

import datetime

import pytest
from django.utils import timezone

from relais.adoption.enums import Source
from relais.adoption.models import Observation
from relais.agents.enums import Category, Filiere, Statut
from relais.organisation.enums import SiteKind
from tests.factories import AgentFactory, ServiceFactory, SiteFactory, ToolAccountFactory

D = datetime.date
LONG_AGO = D(2025, 1, 1)


def today():
    return timezone.localdate()


@pytest.fixture
def city(dpe, dfpe):
    """DPE (cleaning depot "Dépôt Nord", service "Collecte") and DFPE (crèche "Crèche Soleil").

    Mailboxes (provisioned 1 Jan 2025 unless said):
      a1 DPE C titulaire: activated 1 Mar 2025, used 3 days ago (recent); observed used on 5 Apr 2025.
      a2 DPE C: activated 1 Mar 2025, disabled 1 Jun 2025.
      a3 DPE C contractuel: never activated.
      a4 DPE B: no account.
      a5 DPE C: left on 1 Feb 2025 (activated in 2024): never counted after.
      f1 DFPE C: activated 1 Jun 2025, last used 60 days ago.  f2 DFPE C: activated 1 Jun 2025.
    Today: 6 agents in post, 5 accounts, 3 activated (a1, f1, f2), 1 used in the last 30 days (a1).
    On 1 Apr 2025: 6 agents, 5 accounts, 2 activated (a1, a2).
    """
    t = today()
    depot = SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe, latitude=48.89, longitude=2.35)
    creche = SiteFactory(name="Crèche Soleil", kind=SiteKind.CRECHE, direction=dfpe, latitude=48.84, longitude=2.40)
    collecte = ServiceFactory(direction=dpe, name="Collecte")
    creches = ServiceFactory(direction=dfpe, name="Crèches Est")

    def dpe_agent(**kw):
        kw.setdefault("filiere", Filiere.TECHNIQUE)
        kw.setdefault("statut", Statut.TITULAIRE)
        return AgentFactory(direction=dpe, service=collecte, site=depot, **kw)

    agents = {}
    agents["a1"] = dpe_agent(last_name="Alpha")
    a1 = ToolAccountFactory(
        agent=agents["a1"],
        provisioned_on=LONG_AGO,
        activated_on=D(2025, 3, 1),
        last_activity_on=t - datetime.timedelta(days=3),
    )
    Observation.objects.create(
        account=a1, source=Source.M365, as_of=D(2025, 4, 10), provisioned_on=LONG_AGO, last_activity_on=D(2025, 4, 5)
    )
    agents["a2"] = dpe_agent(last_name="Bravo")
    ToolAccountFactory(
        agent=agents["a2"], provisioned_on=LONG_AGO, activated_on=D(2025, 3, 1), disabled_on=D(2025, 6, 1)
    )
    agents["a3"] = dpe_agent(last_name="Charlie", statut=Statut.CONTRACTUEL)
    ToolAccountFactory(agent=agents["a3"], provisioned_on=LONG_AGO)
    agents["a4"] = dpe_agent(last_name="Delta", category=Category.B)
    agents["a5"] = dpe_agent(last_name="Echo", exit_date=D(2025, 2, 1))
    ToolAccountFactory(agent=agents["a5"], provisioned_on=D(2024, 1, 1), activated_on=D(2024, 2, 1))
    for key, name, last in (("f1", "Fox", t - datetime.timedelta(days=60)), ("f2", "Golf", None)):
        agents[key] = AgentFactory(
            direction=dfpe,
            service=creches,
            site=creche,
            last_name=name,
            filiere=Filiere.MEDICO_SOCIALE,
            statut=Statut.TITULAIRE,
        )
        ToolAccountFactory(
            agent=agents[key], provisioned_on=LONG_AGO, activated_on=D(2025, 6, 1), last_activity_on=last
        )
    return agents
