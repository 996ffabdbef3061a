"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, which Django would take for async code
and refuse database access from: allow it, for these tests only (they are never async).
"""

import datetime
import os
import shutil

import pytest

from relais.accounts.enums import Role
from relais.adoption.models import MAILBOX, Tool
from relais.agents.enums import Category
from relais.organisation.enums import SiteKind
from tests.factories import (
    AgentFactory,
    DirectionFactory,
    ServiceFactory,
    SiteFactory,
    ToolAccountFactory,
    UserFactory,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "motdepasse-de-test"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LONG_AGO = datetime.date(2020, 1, 1)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : `make test` l'installe, ou `apt-get install chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """open_page(viewport, javascript=True) -> a fresh page; CSP violations and page errors are collected."""
    contexts = []

    def _open(viewport=PHONE, *, javascript=True):
        context = browser.new_context(viewport=viewport, locale="fr-FR", java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def city(django_db_serialized_rollback, live_server):
    """Two directions, a few agents with mailboxes, and one account per role (demo usernames).

    `django_db_serialized_rollback` brings back the rows migrations seed (the tool catalogue), which the
    live server's transactional tests empty between tests.
    """
    Tool.objects.get_or_create(code=MAILBOX, defaults={"name": "Messagerie professionnelle"})
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
