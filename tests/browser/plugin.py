"""Browser test support, loaded for the whole suite (tests/conftest.py `pytest_plugins`).

Playwright (sync API) drives Debian's Chromium against pytest-django's live server. One Playwright and
one Chromium serve the whole session: a second `sync_playwright()` in the same thread is refused.
Playwright's sync API runs an event loop in the test thread, which Django would take for async code
and refuse database access from: allow it (these tests are never async).
"""

import datetime
import importlib
import os
import shutil

import pytest

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

# Rows seeded by data migrations; live-server tests empty every table between tests, so they are seeded again.
SEED_MIGRATIONS = [
    "relais.adoption.migrations.0002_tool_catalogue",
    "relais.knowledge.migrations.0002_topic_catalogue",
    "relais.knowledge.migrations.0003_seed_guides",
    "relais.helpdesk.migrations.0002_line_defaults",
    "relais.skills.migrations.0002_crcn_reference",
    "relais.findings.migrations.0002_load_fpt_grades",
]


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
    """open_page(viewport, javascript=True, **context_options) -> a fresh page; CSP violations and page errors are
    collected. `context_options` go to Playwright's `new_context` (e.g. is_mobile=True, has_touch=True)."""
    contexts = []

    def _open(viewport=PHONE, *, javascript=True, **options):
        context = browser.new_context(viewport=viewport, locale="fr-FR", java_script_enabled=javascript, **options)
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
def seeded(transactional_db):
    """Run the idempotent seeding migrations again (tools, topics, guides, helpdesk defaults, CRCN, FPT grades)."""
    from django.apps import apps

    for module in SEED_MIGRATIONS:
        migration = importlib.import_module(module)
        (getattr(migration, "forwards", None) or migration.load)(apps, None)
