"""The HR data-reliability pages, driven in Chromium and checked by axe: overview, direction (chart and its table),
an HR manager's findings with the justify form, the one-click request and its before/after page."""

import datetime

import pytest
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.findings.enums import ExtractKind
from relais.findings.services import extract_create, extract_record
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP, PHONE
from tests.findings.helpers import GOOD, run

pytestmark = pytest.mark.browser


def _findings():
    rows = [{**GOOD, "Matricule": f"1{n:05}", "Prénom": f"P{n}", "NIR": "", "Code postal": "7501",
             "Gestionnaire RH": "MARTIN Sophie" if n % 3 else "DUPONT Luc"} for n in range(6)]  # fmt: skip
    for as_of, data in ((datetime.date(2026, 10, 1), rows), (datetime.date(2026, 11, 1), rows[:3])):
        extract = extract_create(acting_user=None, kind=ExtractKind.HR_QUALITY, source_name="sirh.csv", as_of=as_of,
                                 findings=run(data), rows=len(data))  # fmt: skip
        extract_record(acting_user=None, extract=extract)


def test_findings_pages_are_accessible_and_lead_to_a_request(city, open_page):
    viewport = PHONE
    _findings()
    page = open_page(viewport)
    log_in(page, city["url"], city["users"][Role.HR].username)
    page.goto(f"{city['url']}/fiabilite-rh/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiabilité des données RH")
    assert_accessible(page, "fiabilité RH")
    page.get_by_role("link", name="DPE").click()
    expect(page.get_by_test_id("open-total")).to_contain_text("6 constats ouverts")
    expect(page.get_by_role("table", name="Constats ouverts à la date de chaque extraction")).to_contain_text(
        "01/11/2026"
    )
    assert_accessible(page, "direction")
    page.get_by_role("link", name="MARTIN Sophie").click()
    expect(page.get_by_role("table")).to_contain_text("colonne « Code postal »")
    assert_accessible(page, "gestionnaire")
    page.go_back()
    page.get_by_role("button", name="Demander une intervention pour les 3 gestionnaires RH les plus concernés").click()
    expect(page.get_by_test_id("before-after")).to_contain_text("6 constats ouverts alors")
    assert_accessible(page, "avant et après")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_problems(page)


def test_the_direction_page_on_a_desktop(city, open_page):
    _findings()
    page = open_page(DESKTOP)
    log_in(page, city["url"], city["users"][Role.COORDINATOR].username)
    page.goto(f"{city['url']}/fiabilite-rh/")
    page.get_by_role("link", name="DPE").click()
    expect(page.get_by_role("img")).to_be_visible()
    assert_accessible(page, "direction, bureau")
    assert_no_problems(page)
