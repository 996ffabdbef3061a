"""The Pix import (with its confirmation step) and the skills page in a real Chromium: axe finds nothing."""

from pathlib import Path

import pytest

from relais.accounts.enums import Role
from relais.skills.models import PixParticipation
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP, PHONE
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, UserFactory
from tests.skills.factories import pix_result

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def town(seeded, live_server):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    depot = SiteFactory(name="Dépôt Nord", direction=dpe)
    AgentFactory(matricule="100001", last_name="Durand", first_name="Sandrine", direction=dpe, site=depot)
    AgentFactory(matricule="100002", last_name="Martin", first_name="Karim", direction=dpe, site=depot)
    AgentFactory(matricule="100009", last_name="Petit", first_name="Léa", direction=dpe, site=depot)
    for k in range(6):
        level = 0 if k < 2 else 3
        agent = AgentFactory(matricule=f"2000{k:02}", direction=dpe, site=depot)
        pix_result(agent, levels={"2.1": level, "4.1": level, "5.1": level, "5.2": level})
    UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    UserFactory(username="coordination", role=Role.COORDINATOR)
    UserFactory(username="rh", role=Role.HR, directions=[dpe])
    return {"url": live_server.url}


def test_a_pix_export_is_analysed_confirmed_and_applied_from_the_page(open_page, town):
    page = open_page(DESKTOP)
    base = town["url"]
    log_in(page, base, "admin")
    page.goto(f"{base}/imports/nouveau/")
    page.get_by_label("Export de campagne Pix Orga").check()
    page.get_by_label("Fichier", exact=False).first.set_input_files(str(FIXTURES / "pix_collecte_profils.csv"))
    page.get_by_role("button", name="Analyser le fichier").click()
    page.get_by_role("heading", name="Ce qui changerait").wait_for()
    assert "Participations non partagées" in page.content()
    assert_accessible(page, "compte rendu d'un export Pix")

    page.get_by_label("Direction de la campagne").select_option(label="DPE · Propreté et eau")
    page.get_by_role("button", name="Enregistrer ces choix et recalculer le bilan").click()
    page.get_by_role("group", name="Rapprochements proposés par le nom, à confirmer").wait_for()
    assert_accessible(page, "rapprochements proposés")
    page.get_by_label("Ligne 6 : Léa PETIT est Léa Petit (100009)").check()
    page.get_by_role("button", name="Enregistrer ces choix et recalculer le bilan").click()
    page.get_by_text("1 rapprochement par nom confirmé").wait_for()

    page.get_by_role("button", name="Appliquer l'import").click()
    page.get_by_role("heading", name="Ce qui a changé").wait_for()
    assert_accessible(page, "export Pix appliqué")
    assert_no_problems(page)
    assert PixParticipation.objects.filter(match_method="names").count() == 1


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("username", ["coordination", "rh"])
def test_the_skills_page_is_accessible(open_page, town, viewport, username):
    page = open_page(viewport)
    log_in(page, town["url"], username)
    page.goto(f"{town['url']}/indicateurs/competences/")
    page.get_by_role("heading", name="Compétences numériques", level=1).wait_for()
    assert "Dépôt Nord" in page.content()
    assert_accessible(page, f"compétences numériques ({username})")
    assert_no_problems(page)
