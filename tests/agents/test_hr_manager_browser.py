"""The HR managers page in a real Chromium, for an HR correspondent; axe finds no violation."""

import os

import pytest

from relais.accounts.enums import Role
from relais.agents.hr_managers import resolve
from tests.browser.helpers import assert_accessible, log_in
from tests.browser.plugin import DESKTOP
from tests.factories import AgentFactory, DirectionFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def test_hr_correspondent_opens_the_hr_managers_of_their_direction(seeded, live_server, open_page):
    dpe = DirectionFactory(code="DPE")
    UserFactory(username="rh", role=Role.HR, directions=[dpe])
    AgentFactory(last_name="Martin", first_name="Sophie", direction=dpe, job_title="Gestionnaire RH")
    manager = resolve(["MARTIN Sophie"])["MARTIN Sophie"]
    agent = AgentFactory(last_name="Durand", first_name="Léa", direction=dpe, hr_manager=manager)
    page = open_page(DESKTOP)
    log_in(page, live_server.url, "rh")
    page.goto(f"{live_server.url}/agents/")
    page.get_by_role("link", name="Gestionnaires RH et dossiers qu'ils gèrent").click()
    page.get_by_role("heading", name="Gestionnaires RH").wait_for()
    assert "MARTIN Sophie" in page.content()
    assert_accessible(page, "gestionnaires RH")
    page.goto(f"{live_server.url}/agents/{agent.public_id}/")
    assert page.get_by_role("link", name="Sophie Martin").is_visible()
    assert_accessible(page, "fiche agent avec son gestionnaire RH")
