"""Each role logs in through the form and sees its home page, on a phone and on a desktop; axe finds nothing."""

import pytest
from playwright.sync_api import expect

from relais.accounts.enums import Role
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP, PHONE

pytestmark = pytest.mark.browser

HOME_MARKERS = {
    Role.ADMIN: "Vue d'ensemble de la ville",
    Role.COORDINATOR: "Vue d'ensemble de la ville",
    Role.HR: "Vos directions",
    Role.MEDIATOR: "Ma journée",
    Role.HELPDESK: "File d'attente",
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", list(HOME_MARKERS), ids=[str(r) for r in HOME_MARKERS])
def test_each_role_logs_in_and_sees_an_accessible_home(city, open_page, role, viewport):
    page = open_page(viewport)
    user = city["users"][role]
    log_in(page, city["url"], user.username)
    expect(page.get_by_role("heading", name=HOME_MARKERS[role], exact=True)).to_be_visible()
    if role in (Role.ADMIN, Role.COORDINATOR):
        # 2 activated of 3 mailboxes city-wide; DFPE appears.
        expect(page.get_by_test_id("overall-rate")).to_have_text("66,7\u202f%")
        expect(page.get_by_role("table", name="Activation de la messagerie par direction")).to_contain_text("DFPE")
    if role == Role.HR:
        expect(page.get_by_test_id("overall-rate")).to_have_text("50,0\u202f%")
        expect(page.locator("main")).not_to_contain_text("DFPE")
    # The style sheet is served and applied (the header takes the accent colour).
    header_colour = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(11, 93, 107)"
    # Nothing overflows a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page, f"accueil {role} {viewport['width']}px")
    assert_no_problems(page)


def test_login_page_and_accessibility_statement_are_accessible(city, open_page):
    page = open_page(PHONE)
    page.goto(f"{city['url']}/compte/connexion/")
    assert_accessible(page, "connexion")
    page.get_by_label("Identifiant").fill("rh")
    page.get_by_label("Mot de passe").fill("mauvais-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    assert_accessible(page, "connexion en erreur")
    page.get_by_role("link", name="Accessibilité : non conforme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    assert_accessible(page, "déclaration d'accessibilité")
    assert_no_problems(page)


def test_logout(city, open_page):
    page = open_page(DESKTOP)
    log_in(page, city["url"], "coordination")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté de Relais.")).to_be_visible()
    page.goto(f"{city['url']}/agents/")
    assert "/compte/connexion/" in page.url


def test_skip_link_reaches_the_content(city, open_page):
    page = open_page(DESKTOP)
    log_in(page, city["url"], "coordination")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
