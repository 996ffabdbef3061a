"""The mediator's phone (360 × 740): the header is one line, the menu folds behind an accessible button, and
the day's first visit is on the first screen."""

import datetime

import pytest
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.organisation.enums import SiteKind
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import PHONE
from tests.factories import DirectionFactory, SiteFactory, UserFactory
from tests.fieldwork.factories import VisitFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def day(seeded, live_server):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    mediator = UserFactory(username="mediation", role=Role.MEDIATOR, first_name="Nadia", last_name="Roux")
    for hour, name in ((6, "Dépôt Bercy"), (10, "Dépôt Nord"), (14, "Crèche Soleil")):
        site = SiteFactory(name=name, kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
        VisitFactory(site=site, mediators=[mediator], starts_at=datetime.time(hour, 30))
    return {"url": live_server.url}


def test_first_visit_of_my_day_is_on_the_first_screen(day, open_page):
    page = open_page(PHONE)
    log_in(page, day["url"], "mediation")
    page.goto(f"{day['url']}/terrain/ma-journee/")
    first = page.locator(".fw-list li").first.locator("a.fw-card-link")
    expect(first).to_contain_text("Dépôt Bercy")
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box  # whole card link, not only its top
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 0.12 * PHONE["height"], header  # one line, was about 40 % of the screen
    # The menu is one button; the entries are hidden until it is opened.
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Guides")).to_be_hidden()
    assert_accessible(page, "ma journée, menu fermé")
    assert_no_problems(page)


def test_menu_button_opens_closes_and_shows_focus(day, open_page):
    page = open_page(PHONE)
    log_in(page, day["url"], "mediation")
    page.goto(f"{day['url']}/terrain/ma-journee/")
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    outline = toggle.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"  # :focus-visible after keyboard focus
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Ma journée")).to_be_visible()
    expect(nav.get_by_role("link", name="Ma journée")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert_accessible(page, "menu ouvert")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(nav.get_by_role("link", name="Guides")).to_be_hidden()
    assert_no_problems(page)


def test_without_javascript_the_menu_is_one_scrolling_line(day, open_page):
    page = open_page(PHONE, javascript=False)
    log_in(page, day["url"], "mediation")
    page.goto(f"{day['url']}/terrain/ma-journee/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Navigation principale")
    home, guides = nav.get_by_role("link", name="Accueil"), nav.get_by_role("link", name="Guides")
    expect(home).to_be_visible()
    assert home.bounding_box()["y"] == guides.bounding_box()["y"]  # one line, scrolled sideways
    first = page.locator(".fw-list li").first.locator("a.fw-card-link").bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"], first


def test_deleting_an_activity_is_secondary_and_confirmed(day, open_page):
    from relais.fieldwork.enums import VisitStatus
    from relais.fieldwork.models import Activity, Visit
    from tests.fieldwork.factories import ActivityFactory

    visit = Visit.objects.get(site__name="Dépôt Bercy")
    visit.status = VisitStatus.UNDER_WAY
    visit.save()
    activity = ActivityFactory(visit=visit)
    page = open_page(PHONE)
    log_in(page, day["url"], "mediation")
    page.goto(f"{day['url']}/terrain/activites/{activity.public_id}/")
    # No button deletes at one tap: the strongest button on the page is not a deletion.
    expect(page.get_by_role("button", name="Oui, supprimer cette activité")).to_be_hidden()
    disclosure = page.locator("summary", has_text="Supprimer cette activité")
    back = page.get_by_role("link", name="Revenir au déplacement")
    assert back.bounding_box()["y"] < disclosure.bounding_box()["y"]
    assert_accessible(page, "activité")
    disclosure.click()
    confirm = page.get_by_role("button", name="Oui, supprimer cette activité")
    expect(confirm).to_be_visible()
    assert_accessible(page, "activité, suppression dépliée")
    confirm.click()
    expect(page.get_by_text("Activité supprimée.")).to_be_visible()
    assert not Activity.objects.filter(pk=activity.pk, deleted_at__isnull=True).exists()
    assert_no_problems(page)
