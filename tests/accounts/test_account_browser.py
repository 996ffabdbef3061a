"""In a phone's browser (360 px): a forgotten password reset through a real SMTP server, « Mes sessions et jetons »,
and the field-work outbox keeping its entries across an expired session. axe finds no violation on any screen."""

import re
import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.accounts.models import UserSession
from relais.accounts.sessions import ACTIVITY_KEY
from relais.api.enums import Scope
from relais.api.services import token_create
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Participation
from relais.journal.models import Entry
from relais.organisation.enums import SiteKind
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in, open_menu
from tests.browser.plugin import PASSWORD, PHONE
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, UserFactory
from tests.fieldwork.factories import ActivityFactory, ParticipationFactory, VisitFactory

pytestmark = pytest.mark.browser
NEW_PASSWORD = "trois mots bien choisis"
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36 Edg/131.0.0.0"
)


@pytest.fixture
def mediator(seeded, live_server):
    return UserFactory(username="mediation", role=Role.MEDIATOR, first_name="Nadia", email="nadia.roux@paris.fr")


def _wait_for_mail(collector, count=1, seconds=10):
    deadline = time.time() + seconds
    while len(collector.messages) < count and time.time() < deadline:
        time.sleep(0.05)
    assert len(collector.messages) >= count, "no mail reached the SMTP server"
    return collector.messages[count - 1]


def test_a_forgotten_password_is_reset_through_the_mailed_link(mediator, live_server, smtp_server, settings, open_page):
    settings.RELAIS_BASE_URL = live_server.url
    page = open_page(PHONE)
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()
    assert_accessible(page, "mot de passe oublié")
    page.get_by_label("Adresse e-mail").fill("nadia")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("alert")).to_contain_text("Saisissez une adresse e-mail complète")
    assert_accessible(page, "adresse incomplète")
    page.get_by_label("Adresse e-mail").fill("Nadia.Roux@paris.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Regardez votre messagerie")).to_be_visible()
    assert_accessible(page, "lien envoyé")

    recipients, message = _wait_for_mail(smtp_server)
    assert recipients == ["nadia.roux@paris.fr"]
    assert message["Subject"] == "Relais : choisir un nouveau mot de passe"
    body = message.get_content()
    link = re.search(r"http://\S+/compte/mot-de-passe/\S+/", body).group(0)
    assert link.startswith(live_server.url) and "dans les 60 minutes" in body

    page.goto(link)
    expect(page.get_by_role("heading", name="Nouveau mot de passe")).to_be_visible()
    assert_accessible(page, "nouveau mot de passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", name="Mot de passe enregistré")).to_be_visible()
    assert_accessible(page, "mot de passe enregistré")

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Identifiant").fill("mediation")
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    # The link worked once: opened again, it says so.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("Ce lien ne fonctionne plus")
    assert_no_problems(page)


def test_my_sessions_and_tokens_at_phone_width(mediator, live_server, open_page):
    token_create(acting_user=None, user=mediator, scopes=[Scope.AGENTS_READ, Scope.TOOLS_READ], name="Tableur")
    office = Client(HTTP_USER_AGENT=WINDOWS_EDGE, REMOTE_ADDR="192.0.2.41")
    assert office.post("/compte/connexion/", {"username": "mediation", "password": PASSWORD}).status_code == 302
    page = open_page(PHONE)
    log_in(page, live_server.url, "mediation")
    open_menu(page)
    page.get_by_role("link", name="Mes sessions et jetons").click()
    expect(page.get_by_role("heading", name="Mes sessions et jetons", level=1)).to_be_visible()
    expect(page.locator("li.session", has_text="Cet appareil")).to_contain_text("Chrome")
    expect(page.locator("li.session", has_text="Edge sur Windows")).to_contain_text("192.0.2.0/24")
    expect(page.locator("#tokens-title + p + ul")).to_contain_text("Lire les agents, Lire les outils numériques")
    assert_accessible(page, "mes sessions et jetons")

    page.get_by_role("button", name=re.compile(r"Fermer cette session \(Edge sur Windows")).click()
    expect(page.get_by_role("status")).to_contain_text("La session est fermée")
    expect(page.get_by_text("Aucune autre session n'est ouverte.")).to_be_visible()
    assert office.get("/")["Location"].startswith("/compte/connexion/")

    page.get_by_role("button", name="Révoquer ce jeton (Tableur)").click()
    expect(page.get_by_role("status")).to_contain_text("Le jeton « Tableur » est révoqué")
    expect(page.get_by_text("Vous n'avez aucun jeton d'API en cours de validité.")).to_be_visible()
    assert_accessible(page, "session fermée, jeton révoqué")
    assert_no_problems(page)


def test_the_outbox_keeps_its_entry_across_an_expired_session_and_sends_it_after_sign_in(
    mediator, live_server, open_page
):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    site = SiteFactory(name="Dépôt Bercy", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    visit = VisitFactory(site=site, mediators=[mediator], status=VisitStatus.UNDER_WAY)
    activity = ActivityFactory(visit=visit, title="Messagerie")
    lucie = AgentFactory(direction=dpe, site=site, first_name="Lucie", last_name="Lefèvre")
    ParticipationFactory(activity=activity, agent=lucie)
    page = open_page(PHONE)
    log_in(page, live_server.url, "mediation")
    sheet = f"{live_server.url}/terrain/activites/{activity.public_id}/"
    page.goto(sheet)
    button = page.get_by_role("button", name="Mot de passe réinitialisé pour Lucie Lefèvre")
    expect(button).to_be_visible()

    # Offline, the entry waits on the phone; meanwhile the session passes its idle limit.
    page.context.set_offline(True)
    button.click()
    expect(page.locator("[data-relais-outbox-count]")).to_contain_text("1 saisie en attente d'envoi")
    key = UserSession.objects.get(user=mediator).session_key
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)
    store[ACTIVITY_KEY] = time.time() - (django_settings.RELAIS_SESSION_IDLE_MINUTES * 60 + 60)
    store.save()

    # The network returns: the server asks for a sign-in, the entry stays.
    page.context.set_offline(False)
    alert = page.locator("[data-relais-outbox-error]")
    expect(alert).to_contain_text("Votre session est terminée. 1 saisie est gardée sur ce téléphone", timeout=15_000)
    assert page.evaluate("JSON.parse(localStorage.getItem('relais.fieldwork.outbox.v1') || '[]').length") == 1
    assert not Participation.objects.get(agent=lucie).password_reset
    assert_accessible(page, "session terminée, saisie gardée")

    alert.get_by_role("link", name="Se reconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Votre session a expiré après 60 minutes sans activité")
    page.get_by_label("Identifiant").fill("mediation")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(sheet)
    # Back on the sheet, the entry leaves with the new session (and its new CSRF token), once.
    expect(page.locator("[data-relais-outbox-status]")).to_be_hidden(timeout=15_000)
    expect(page.get_by_role("button", name="Mot de passe réinitialisé pour Lucie Lefèvre")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert Participation.objects.get(agent=lucie).password_reset
    assert page.evaluate("JSON.parse(localStorage.getItem('relais.fieldwork.outbox.v1') || '[]').length") == 0
    # The browser logs the offline try and the 401 as failed loads; anything else is a real problem.
    expected = ("net::ERR_INTERNET_DISCONNECTED", "status of 401")
    assert [p for p in page.problems if not any(e in p for e in expected)] == []


def test_on_a_shared_phone_one_persons_entries_are_never_sent_under_another_sign_in(mediator, live_server, open_page):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    site = SiteFactory(name="Dépôt Bercy", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    colleague = UserFactory(username="mediation2", role=Role.MEDIATOR, first_name="Karim")
    visit = VisitFactory(site=site, mediators=[mediator, colleague], status=VisitStatus.UNDER_WAY)
    activity = ActivityFactory(visit=visit, title="Messagerie")
    lucie = AgentFactory(direction=dpe, site=site, first_name="Lucie", last_name="Lefèvre")
    ParticipationFactory(activity=activity, agent=lucie)
    sheet = f"{live_server.url}/terrain/activites/{activity.public_id}/"
    pending = "JSON.parse(localStorage.getItem('relais.fieldwork.outbox.v1') || '[]').length"
    page = open_page(PHONE)
    log_in(page, live_server.url, "mediation")
    page.goto(sheet)
    page.context.set_offline(True)
    page.get_by_role("button", name="Mot de passe réinitialisé pour Lucie Lefèvre").click()
    expect(page.locator("[data-relais-outbox-count]")).to_contain_text("1 saisie en attente d'envoi")
    # Nadia's session ends on the server while the phone is away; Karim then signs in on the same phone.
    key = UserSession.objects.get(user=mediator).session_key
    import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key).delete()
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Identifiant").fill("mediation2")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(sheet)
    expect(page.locator("[data-relais-outbox-count]")).to_contain_text("1 saisie en attente d'envoi")
    page.wait_for_timeout(4500)  # one more turn of the outbox's retry timer
    assert page.evaluate(pending) == 1
    assert not Participation.objects.get(agent=lucie).password_reset
    # Nadia signs in again on the phone: her entry leaves, under her name.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/compte/connexion/?next=/terrain/activites/{activity.public_id}/")
    page.get_by_label("Identifiant").fill("mediation")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(sheet)
    expect(page.locator("[data-relais-outbox-status]")).to_be_hidden(timeout=15_000)
    assert page.evaluate(pending) == 0
    assert Participation.objects.get(agent=lucie).password_reset
    written = Entry.objects.filter(action__startswith="fieldwork.outcome")
    assert written.exists() and set(written.values_list("acting_user", flat=True)) == {mediator.pk}
