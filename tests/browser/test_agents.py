"""The agent list (search and filters through htmx, and without JavaScript) and the agent page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_no_problems, log_in, open_menu
from tests.browser.plugin import DESKTOP, PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_and_filter_update_the_results_in_place(city, open_page, viewport):
    page = open_page(viewport)
    log_in(page, city["url"], "coordination")
    open_menu(page)
    page.get_by_role("link", name="Agents", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agents")
    count = page.locator("#agent-count")
    expect(count).to_have_text("63 agents trouvés")
    expect(page.get_by_role("navigation", name="Pages de résultats")).to_contain_text("Page 1 sur 2")
    assert_accessible(page, f"liste des agents {viewport['width']}px")

    page.evaluate("window.relaisMarker = 1")  # survives only if the page is not reloaded
    page.get_by_label("Nom, prénom ou matricule").fill("dupre")
    expect(count).to_have_text("2 agents trouvés")
    expect(page).to_have_url(re.compile(r"q=dupre"))
    results = page.locator("#resultats")
    expect(results).to_contain_text("Élodie")
    expect(results).to_contain_text("Marie")

    page.locator("summary", has_text="Filtres").click()  # the filters fold away on phones
    page.get_by_label("Direction").select_option("DPE")
    expect(count).to_have_text("1 agent trouvé")
    expect(results).not_to_contain_text("Marie")
    expect(page).to_have_url(re.compile(r"direction=DPE"))
    expect(results.get_by_text("Activé (première connexion)")).to_be_visible()
    assert page.evaluate("window.relaisMarker") == 1, "htmx should have swapped the results, not reloaded"
    assert_accessible(page, "liste filtrée")

    results.get_by_role("link", name=re.compile("DUPRÉ Élodie")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Élodie DUPRÉ")
    expect(page.get_by_role("table", name=re.compile("Situation de l'agent"))).to_contain_text("Messagerie")
    assert "iban" not in page.content().lower()
    assert_accessible(page, f"fiche agent {viewport['width']}px")
    assert_no_problems(page)


def test_pagination_through_htmx(city, open_page):
    page = open_page(DESKTOP)
    log_in(page, city["url"], "coordination")
    page.goto(f"{city['url']}/agents/")
    page.get_by_role("link", name="Page suivante").click()
    expect(page.get_by_role("navigation", name="Pages de résultats")).to_contain_text("Page 2 sur 2")
    expect(page).to_have_url(re.compile(r"page=2"))
    assert_no_problems(page)


def test_list_works_without_javascript(city, open_page):
    page = open_page(PHONE, javascript=False)
    log_in(page, city["url"], "coordination")
    page.goto(f"{city['url']}/agents/")
    page.get_by_label("Nom, prénom ou matricule").fill("dupre")
    page.locator("summary", has_text="Filtres").click()
    page.get_by_label("Direction").select_option("DFPE")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"q=dupre.*direction=DFPE"))
    expect(page.locator("#agent-count")).to_have_text("1 agent trouvé")
    expect(page.locator("#resultats")).to_contain_text("Marie")


def test_hr_correspondent_sees_only_their_direction(city, open_page):
    page = open_page(PHONE)
    log_in(page, city["url"], "rh")
    page.goto(f"{city['url']}/agents/?q=dupre")
    expect(page.locator("#agent-count")).to_have_text("1 agent trouvé")
    expect(page.locator("#resultats")).not_to_contain_text("Marie")
    response = page.goto(f"{city['url']}/agents/{city['marie'].public_id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_accessible(page, "page 404")


def test_administrator_sees_the_journal_on_an_accessible_agent_page(city, open_page):
    from relais.agents.services import agent_update

    agent_update(acting_user=city["users"]["admin"], agent=city["elodie"], job_title="Éboueuse")
    page = open_page(PHONE)
    log_in(page, city["url"], "admin")
    page.goto(f"{city['url']}/agents/{city['elodie'].public_id}/")
    expect(page.get_by_role("heading", name="Journal des modifications")).to_be_visible()
    expect(page.get_by_role("table", name="Journal des actions sur la fiche de cet agent")).to_contain_text("Éboueuse")
    assert_accessible(page, "fiche agent avec journal")
    assert_no_problems(page)
