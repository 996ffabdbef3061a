"""The documentation page in a real Chromium: accessible, and nothing loaded from elsewhere."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_no_problems
from tests.browser.plugin import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_docs_page_renders_the_schema_without_csp_violation(seeded, live_server, open_page):
    page = open_page(DESKTOP)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relais API v1")
    expect(page.get_by_role("heading", name="POST /api/v1/adoption/observations")).to_be_visible()
    expect(page.get_by_role("table", name="Champs de ObservationIn")).to_contain_text("first_sign_in_on")
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
    assert_accessible(page, "documentation de l'API")
    assert_no_problems(page)


def test_docs_page_on_a_phone(seeded, live_server, open_page):
    page = open_page(PHONE)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_role("link", name="GET /api/v1/agents", exact=True).click()
    table = page.get_by_role("table", name="Paramètres de GET /api/v1/agents", exact=True)
    expect(table).to_contain_text("modified_since")
    assert_accessible(page, "documentation de l'API (téléphone)")
