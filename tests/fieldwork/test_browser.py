"""A mediator runs a workshop from a phone (360 px): six people, a walk-in, an activation, a follow-up,
two entries made offline and sent exactly once when the network returns, an agent signing in through
the QR page; axe finds no violation on any screen."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.adoption.models import ToolAccount
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Participation, Visit, WriteReceipt
from relais.journal.models import Entry
from relais.organisation.enums import SiteKind
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in, log_out
from tests.browser.plugin import PHONE
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, ToolAccountFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser


@pytest.fixture
def day(seeded, live_server):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    DirectionFactory(code="DFPE", name="Familles et petite enfance")
    depot = SiteFactory(name="Dépôt Bercy", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    elsewhere = SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    people = {
        "helene": AgentFactory(last_name="Dupont", first_name="Hélène", site=depot, direction=dpe, matricule="500001"),
        "karim": AgentFactory(last_name="Benali", first_name="Karim", site=depot, direction=dpe, matricule="500002"),
        "lucie": AgentFactory(last_name="Lefèvre", first_name="Lucie", site=depot, direction=dpe, matricule="500003"),
        "paul": AgentFactory(last_name="Moreau", first_name="Paul", site=elsewhere, direction=dpe, matricule="500004"),
        "ines": AgentFactory(last_name="Garcia", first_name="Inès", site=depot, direction=dpe, matricule="500005"),
        "agent_qr": AgentFactory(last_name="Traoré", first_name="Awa", site=depot, direction=dpe, matricule="500777"),
    }
    AgentFactory(last_name="Dupuis", first_name="Marc", site=elsewhere, direction=dpe)
    ToolAccountFactory(agent=people["helene"], provisioned_on=datetime.date(2024, 1, 8))
    mediator = UserFactory(username="mediation", role=Role.MEDIATOR, first_name="Nadia", last_name="Roux")
    from tests.fieldwork.factories import VisitFactory

    visit = VisitFactory(site=depot, mediators=[mediator], starts_at=datetime.time(6, 30))
    return {"url": live_server.url, "mediator": mediator, "visit": visit, "people": people}


def _add_by_search(page, query: str, name: str, count: int) -> None:
    page.get_by_label("Nom ou matricule").fill(query)
    page.locator("#search-results").get_by_role("button", name=name).click()
    expect(page.locator("#participants")).to_contain_text(f"{count} personne")


def _card(page, name: str):
    return page.locator("#participants li.fw-person", has_text=name)


def test_mediator_runs_a_workshop_from_a_phone(day, open_page):
    base, visit, people = day["url"], day["visit"], day["people"]
    page = open_page(PHONE)
    log_in(page, base, "mediation")

    page.goto(f"{base}/terrain/ma-journee/")
    expect(page.get_by_role("heading", name="Ma journée")).to_be_visible()
    assert_accessible(page, "ma journée")
    page.get_by_role("button", name="Commencer le déplacement à Dépôt Bercy").click()
    expect(page.get_by_role("heading", name="Dépôt Bercy")).to_be_visible()
    expect(page.locator(".fw-sub")).to_contain_text("En cours")
    assert_accessible(page, "déplacement")

    page.locator("label.fw-chip", has_text="Atelier collectif").click()
    page.get_by_label("Titre (pour un atelier)").fill("Activer sa messagerie")
    page.locator("label.fw-chip", has_text="Débutant").click()
    page.locator("label.fw-chip", has_text="60 min").click()
    page.locator("label.fw-chip", has_text="Activer sa messagerie professionnelle").click()
    page.get_by_role("button", name="Ajouter l'activité").click()
    expect(page.get_by_role("heading", name="Atelier collectif : Activer sa messagerie")).to_be_visible()

    # Five agents by a few letters, with a typo and without accents; the site's agents come first.
    page.get_by_label("Nom ou matricule").fill("dupond")
    expect(page.locator("#search-results li").first).to_contain_text("Hélène DUPONT")
    expect(page.locator("#search-results li").first).to_contain_text("sur ce site")
    assert_accessible(page, "recherche d'une personne")
    page.locator("#search-results").get_by_role("button", name="Hélène DUPONT").click()
    expect(page.locator("#participants")).to_contain_text("1 personne")
    expect(page.get_by_label("Nom ou matricule")).to_have_value("")
    _add_by_search(page, "benali", "Karim BENALI", 2)
    _add_by_search(page, "lefevre", "Lucie LEFÈVRE", 3)
    _add_by_search(page, "500004", "Paul MOREAU", 4)
    _add_by_search(page, "ines garcia", "Inès GARCIA", 5)

    # A walk-in, recorded with direction and category only (and a first name to match later).
    page.get_by_text("Personne absente du référentiel").click()
    page.get_by_label("Direction").select_option("DPE")
    page.locator("label.fw-chip", has_text="C").last.click()
    page.get_by_label("Prénom ou repère (facultatif)").fill("Fatou")
    page.get_by_role("button", name="Ajouter hors référentiel").click()
    expect(page.locator("#participants")).to_contain_text("6 personnes")
    expect(_card(page, "Fatou")).to_contain_text("À rattacher")

    # One tap: the mailbox was activated during the session.
    activate = _card(page, "Hélène Dupont").get_by_role("button", name="Messagerie activée pour Hélène Dupont")
    activate.click()
    expect(
        _card(page, "Hélène Dupont").get_by_role("button", name="Messagerie activée pour Hélène Dupont")
    ).to_have_attribute("aria-pressed", "true")
    # A follow-up with its reason.
    karim = _card(page, "Karim Benali")
    karim.get_by_text("Suivi à prévoir…").click()
    karim.get_by_label("Motif du suivi").fill("Installer l'appli badgeuse")
    karim.get_by_role("button", name="Prévoir un suivi pour Karim Benali").click()
    expect(_card(page, "Karim Benali")).to_contain_text("Installer l'appli badgeuse")
    assert_accessible(page, "feuille de l'atelier")

    # The network drops: two entries wait on the phone, and the screen says so.
    page.context.set_offline(True)
    _card(page, "Lucie Lefèvre").get_by_role("button", name="Mot de passe réinitialisé pour Lucie Lefèvre").click()
    _card(page, "Paul Moreau").get_by_role("button", name="Autonome pour Paul Moreau", exact=True).click()
    status = page.locator("[data-relais-outbox-count]")
    expect(status).to_contain_text("2 saisies en attente d'envoi")
    expect(page.locator("[data-relais-outbox-list]")).to_contain_text("Mot de passe réinitialisé : Lucie Lefèvre")
    assert_accessible(page, "saisies en attente")
    assert not Participation.objects.filter(password_reset=True).exists()

    page.context.set_offline(False)
    expect(page.locator("[data-relais-outbox-status]")).to_be_hidden(timeout=15_000)
    expect(
        _card(page, "Lucie Lefèvre").get_by_role("button", name="Mot de passe réinitialisé pour Lucie Lefèvre")
    ).to_have_attribute("aria-pressed", "true")
    # Let the outbox's retry timer run once more: nothing is sent twice.
    page.wait_for_timeout(4500)
    lucie = Participation.objects.get(agent=people["lucie"])
    paul = Participation.objects.get(agent=people["paul"])
    assert lucie.password_reset and paul.autonomy == "autonomous"
    for p in (lucie, paul):
        assert Entry.objects.for_object(p).filter(action="fieldwork.outcome_record").count() == 1
    assert page.evaluate("JSON.parse(localStorage.getItem('relais.fieldwork.outbox.v1') || '[]').length") == 0

    # Offline across pages: the service worker reopens the field-work pages already seen on this phone.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    # Online, the visit page and the activity page are seen again: the worker keeps these copies.
    page.get_by_role("link", name="Revenir au déplacement").click()
    page.get_by_role("link", name="Atelier collectif : Activer sa messagerie").click()
    page.context.set_offline(True)
    page.reload()
    workshop_heading = page.get_by_role("heading", name="Atelier collectif : Activer sa messagerie")
    expect(workshop_heading).to_be_visible()
    expect(page.locator("[data-relais-offline]")).to_be_visible()
    assert_accessible(page, "activité rouverte hors ligne")
    # A page never opened on this phone cannot come from the network (the worker really is offline).
    response = page.goto(f"{base}/terrain/suivis/")
    assert response.status == 503 and response.from_service_worker
    expect(page.get_by_role("heading", name="Pas de réseau")).to_be_visible()
    assert_accessible(page, "page jamais ouverte, hors ligne")
    page.go_back()
    expect(workshop_heading).to_be_visible()
    page.get_by_role("link", name="Revenir au déplacement").click()
    expect(page.get_by_role("heading", name="Dépôt Bercy")).to_be_visible()
    page.get_by_role("link", name="Atelier collectif : Activer sa messagerie").click()
    expect(workshop_heading).to_be_visible()
    _card(page, "Inès Garcia").get_by_role("button", name="Mot de passe réinitialisé pour Inès Garcia").click()
    expect(status).to_contain_text("1 saisie en attente d'envoi")
    ines = Participation.objects.get(agent=people["ines"])
    assert not ines.password_reset
    page.context.set_offline(False)
    expect(page.locator("[data-relais-outbox-status]")).to_be_hidden(timeout=15_000)
    expect(page.locator("[data-relais-offline]")).to_be_hidden()
    page.wait_for_timeout(4500)  # the retry timer runs again: nothing is sent twice
    ines.refresh_from_db()
    assert ines.password_reset
    assert Entry.objects.for_object(ines).filter(action="fieldwork.outcome_record").count() == 1

    # The QR sign-in sheet: an agent signs in from their own phone, without an account.
    page.get_by_role("link", name="Émargement par QR code").click()
    expect(page.locator("img.fw-qr")).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.fw-qr').naturalWidth > 0")
    assert_accessible(page, "émargement")
    signin_url = page.locator("main a[href*='/terrain/e/']").get_attribute("href")
    agent_phone = page.context.browser.new_context(viewport=PHONE, locale="fr-FR")
    try:
        agent_page = agent_phone.new_page()
        agent_page.goto(signin_url)
        expect(agent_page.get_by_role("heading", name="Feuille de présence")).to_be_visible()
        assert_accessible(agent_page, "page publique d'émargement")
        agent_page.get_by_label("Votre matricule").fill("500777")
        agent_page.get_by_role("button", name="Je suis présent ou présente").click()
        expect(agent_page.get_by_role("status")).to_contain_text("vous êtes sur la feuille")
        assert_accessible(agent_page, "émargement confirmé")
    finally:
        agent_phone.close()
    expect(page.locator("#sheet")).to_contain_text("Awa Traoré", timeout=6000)
    expect(page.locator("#sheet")).to_contain_text("7 personnes inscrites")

    # The summary before closing, then the day.
    page.get_by_role("link", name="Revenir à l'activité").click()
    page.get_by_role("link", name="Revenir au déplacement").click()
    page.get_by_role("link", name="Bilan et clôture").click()
    expect(page.get_by_role("heading", name="Bilan du déplacement")).to_be_visible()
    summary = page.locator(".fw-summary")
    expect(summary.locator("div", has_text="Accompagnements")).to_contain_text("7")
    expect(summary.locator("div", has_text="Messageries activées")).to_contain_text("1")
    expect(summary.locator("div", has_text="Hors référentiel")).to_contain_text("1")
    assert_accessible(page, "bilan")
    page.get_by_role("button", name="Clore le déplacement").click()
    expect(page.get_by_role("heading", name="Ma journée")).to_be_visible()

    page.goto(f"{base}/terrain/suivis/")
    expect(page.locator("main")).to_contain_text("Installer l'appli badgeuse")
    assert_accessible(page, "suivis")
    page.goto(f"{base}/terrain/mes-activites/")
    expect(page.locator("tbody tr")).to_have_count(7)
    assert_accessible(page, "mes activités")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The offline sends failed as they should; nothing else may complain (CSP, script errors).
    page.problems = [p for p in page.problems if "ERR_INTERNET_DISCONNECTED" not in p and "status of 503" not in p]
    assert_no_problems(page)

    # Logging out forgets the pages kept for offline use: the next person on this phone cannot reopen them.
    kept = "caches.keys().then((keys) => keys.filter((k) => k.startsWith('relais-fieldwork-pages')).length)"
    assert page.evaluate(kept) == 1
    log_out(page)
    page.wait_for_url("**/compte/connexion/**")
    assert page.evaluate(kept) == 0

    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert Visit.objects.count() == 1
    assert Participation.objects.count() == 7
    assert Participation.objects.filter(is_walk_in=True, agent__isnull=True).count() == 1
    assert ToolAccount.objects.get(agent=people["helene"]).activated_on == visit.date
    assert WriteReceipt.objects.filter(operation="participant_add").count() == 6


def test_an_added_row_whose_answer_was_lost_is_drawn_once(day, open_page):
    """Issue 16 §5: the add answers the new row and the counter only. When that answer is lost on the way
    (the server wrote the row), the page reloaded shows the row, and the outbox's replay replaces it instead
    of drawing it twice."""
    from tests.fieldwork.factories import ActivityFactory

    base, visit, people = day["url"], day["visit"], day["people"]
    activity = ActivityFactory(visit=visit, kind="workshop", title="Messagerie")
    from relais.fieldwork import services

    services.participant_add(activity=activity, acting_user=day["mediator"], agent=people["karim"])
    page = open_page(PHONE)
    log_in(page, base, "mediation")
    page.goto(f"{base}/terrain/activites/{activity.public_id}/")
    expect(page.locator("#participants")).to_contain_text("1 personne")

    # The answer to the add is lost: the request reaches the server, the phone never hears back.
    reached = []

    def lose_answer(route):
        reached.append(route.fetch().status)
        route.abort()

    page.route("**/participants/", lose_answer)
    page.get_by_label("Nom ou matricule").fill("dupont")
    page.locator("#search-results").get_by_role("button", name="Hélène DUPONT").click()
    expect(page.locator("[data-relais-outbox-count]")).to_contain_text("1 saisie en attente d'envoi")
    for _ in range(100):
        if reached:
            break
        page.wait_for_timeout(100)
    assert reached == [200]
    assert Participation.objects.filter(activity=activity, deleted_at__isnull=True).count() == 2
    page.unroute("**/participants/")

    page.reload()  # the sheet drawn by the server holds Hélène; the outbox replays her entry on load
    expect(page.locator("[data-relais-outbox-status]")).to_be_hidden(timeout=15_000)
    expect(page.locator("#participants")).to_contain_text("2 personnes")
    expect(_card(page, "Hélène Dupont")).to_have_count(1)
    # Another add draws its row at the end and moves the counter, without drawing the sheet again.
    page.get_by_label("Nom ou matricule").fill("lefevre")
    page.locator("#search-results").get_by_role("button", name="Lucie LEFÈVRE").click()
    expect(page.locator("#participants")).to_contain_text("3 personnes")
    expect(page.locator("#sheet-rows > li").last).to_contain_text("Lucie Lefèvre")
    expect(page.locator("#sheet-rows > li")).to_have_count(3)
    assert Participation.objects.filter(activity=activity, deleted_at__isnull=True).count() == 3
    assert_accessible(page, "feuille après ajouts")
    # Withdrawn: the row goes, the counter follows, the rest of the sheet stays as drawn.
    page.get_by_role("button", name="Retirer Lucie Lefèvre de la feuille").click()
    expect(page.locator("#participants")).to_contain_text("2 personnes")
    expect(_card(page, "Lucie Lefèvre")).to_have_count(0)
    expect(page.locator("#sheet-rows > li")).to_have_count(2)
    assert Participation.objects.filter(activity=activity, deleted_at__isnull=True).count() == 2
