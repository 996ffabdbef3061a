import datetime

import pytest

from relais.accounts.enums import Role
from relais.agents.enums import Category
from relais.organisation.enums import SiteKind
from tests.browser.plugin import LONG_AGO
from tests.factories import (
    AgentFactory,
    DirectionFactory,
    ServiceFactory,
    SiteFactory,
    ToolAccountFactory,
    UserFactory,
)


@pytest.fixture
def city(seeded, live_server):
    """Two directions, a few agents with mailboxes, and one account per role (demo usernames)."""
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    dfpe = DirectionFactory(code="DFPE", name="Familles et petite enfance")
    depot = SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe, address="12 rue du Nord")
    creche = SiteFactory(name="Crèche Soleil", kind=SiteKind.CRECHE, direction=dfpe)
    collecte = ServiceFactory(direction=dpe, name="Collecte")
    elodie = AgentFactory(direction=dpe, service=collecte, site=depot, first_name="Élodie", last_name="Dupré")
    ToolAccountFactory(agent=elodie, provisioned_on=LONG_AGO, activated_on=datetime.date(2021, 1, 1))
    karim = AgentFactory(direction=dpe, site=depot, first_name="Karim", last_name="Martin", category=Category.B)
    ToolAccountFactory(agent=karim, provisioned_on=LONG_AGO)
    for i in range(60):
        AgentFactory(direction=dpe, service=collecte, site=depot, first_name="Lucie", last_name=f"Bernard{i:02}")
    marie = AgentFactory(direction=dfpe, site=creche, first_name="Marie", last_name="Dupré")
    ToolAccountFactory(agent=marie, provisioned_on=LONG_AGO, activated_on=datetime.date(2021, 1, 1))
    users = {
        Role.ADMIN: UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        Role.COORDINATOR: UserFactory(username="coordination", role=Role.COORDINATOR),
        Role.MEDIATOR: UserFactory(username="mediation", role=Role.MEDIATOR, first_name="Nadia"),
        Role.HR: UserFactory(username="rh", role=Role.HR, directions=[dpe]),
        Role.HELPDESK: UserFactory(username="assistance", role=Role.HELPDESK, first_name="Paul"),
    }
    return {"users": users, "elodie": elodie, "marie": marie, "url": live_server.url}
