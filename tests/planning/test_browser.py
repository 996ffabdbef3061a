"""The coordinator draws, adjusts and confirms a week in a real Chromium; axe finds no violation."""

import datetime
import os

import pytest

from relais.accounts.enums import Role
from relais.organisation.enums import SiteKind
from relais.organisation.models import GatheringTime, OpeningHours
from relais.planning.models import MediatorProfile, PlannedVisit
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP, PHONE
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.fixture
def paris(seeded, live_server):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    spots = [(48.8675, 2.3636), (48.8700, 2.3700), (48.8630, 2.3650), (48.8720, 2.3580)]
    for i, (lat, lon) in enumerate(spots):
        kind = SiteKind.CRECHE if i % 2 else SiteKind.DEPOT_PROPRETE
        site = SiteFactory(name=f"Site {i + 1}", kind=kind, direction=dpe, latitude=lat, longitude=lon)
        for day in range(5):
            OpeningHours.objects.create(site=site, weekday=day, opens_at=datetime.time(7), closes_at=datetime.time(18))
            if kind == SiteKind.CRECHE:
                GatheringTime.objects.create(
                    site=site, weekday=day, starts_at=datetime.time(13), ends_at=datetime.time(15), label="Sieste"
                )
        for _ in range(3 + i):
            AgentFactory(site=site, direction=dpe, uses_computer=False)
    UserFactory(username="coordination", role=Role.COORDINATOR)
    for name in ("mediation", "mediation2"):
        user = UserFactory(username=name, role=Role.MEDIATOR, first_name=name.capitalize())
        MediatorProfile.objects.create(user=user)
    return live_server.url


def test_coordinator_generates_adjusts_and_confirms_a_week(paris, open_page):
    page = open_page(DESKTOP)
    log_in(page, paris, "coordination")
    page.goto(f"{paris}/planification/?semaine=2026-W49")
    assert_accessible(page, "planning vide")
    page.get_by_role("button", name="Proposer un planning").click()
    page.wait_for_selector("#result-title")
    assert "agents atteints" in page.content()
    assert_accessible(page, "calcul terminé")
    page.get_by_role("link", name="Voir le planning de la semaine").click()
    page.wait_for_selector("table.plan-calendar")
    assert page.locator("table.plan-calendar ul.plan-cell li").count() == 4
    assert page.locator("svg circle.map-dot").count() == 4
    assert page.locator("svg polygon.map-area").count() == 20  # Paris' arrondissements under the points
    assert_accessible(page, "planning calculé")

    # Move the first visit to Friday 8:00: it comes back locked.
    first = page.locator("table.plan-calendar details.plan-visit").first
    first.locator("summary").click()
    first.get_by_role("link", name="Déplacer ou modifier").click()
    page.wait_for_selector("h1")
    assert_accessible(page, "déplacer une visite")
    page.get_by_label("Jour").fill("2026-12-04")
    page.get_by_label("Heure de début").fill("08:00")
    page.get_by_role("button", name="Déplacer la visite").click()
    page.wait_for_selector("table.plan-calendar")
    assert "Visite déplacée et verrouillée" in page.content()
    moved = PlannedVisit.objects.get(locked=True)
    assert moved.date == datetime.date(2026, 12, 4) and moved.starts_at == datetime.time(8, 0)

    page.get_by_role("button", name="Re-planifier le reste de la semaine").click()
    page.get_by_role("link", name="Voir le planning de la semaine").click()
    page.wait_for_selector("table.plan-calendar")
    moved.refresh_from_db()
    assert moved.date == datetime.date(2026, 12, 4)

    page.get_by_role("button", name="Confirmer les 4 visites proposées").click()
    page.wait_for_selector(".message-success")
    assert "4 déplacements prévus" in page.content()
    assert page.locator(".plan-cell .sub", has_text="confirmée").count() == 4
    assert_accessible(page, "planning confirmé")

    # The site's priority, explained.
    page.goto(f"{paris}/planification/sites/{moved.site.public_id}/")
    assert page.get_by_role("heading", name="Score de priorité", exact=False).is_visible()
    assert_accessible(page, "priorité du site")
    assert_no_problems(page)


def test_mediator_sees_own_visits_on_a_phone(paris, open_page):
    page = open_page(PHONE)
    log_in(page, paris, "mediation")
    page.goto(f"{paris}/planification/mes-visites/")
    page.get_by_role("button", name="Créer mon adresse d'agenda").click()
    page.wait_for_selector("code.feed-url")
    assert ".ics" in page.locator("code.feed-url").inner_text()
    assert_accessible(page, "mes visites")
    assert_no_problems(page)
