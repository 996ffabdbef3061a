"""The assistance line in a real Chromium: a call logged from the keyboard, the public form on a phone,
and axe-core on the queue, a ticket, the public form and a guide."""

import pytest

from relais.accounts.enums import Role
from relais.helpdesk import services
from relais.helpdesk.enums import Channel
from relais.helpdesk.models import Ticket
from tests.browser.plugin import DESKTOP, PASSWORD, PHONE
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, UserFactory
from tests.helpdesk.factories import topic

pytestmark = pytest.mark.browser


@pytest.fixture
def line(seeded, live_server):
    """An operator and a few agents, with the seeded topics, SLA targets and guides."""
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    site = SiteFactory(name="Dépôt Nord", direction=dpe)
    agent = AgentFactory(direction=dpe, site=site, first_name="Élodie", last_name="Dupré", work_phone="0140000000")
    for i in range(20):
        AgentFactory(direction=dpe, site=site, first_name="Lucie", last_name=f"Dupont{i:02}")
    operator = UserFactory(username="assistance", role=Role.HELPDESK, first_name="Paul")
    return {"url": live_server.url, "agent": agent, "operator": operator, "site": site}


def log_in(page, url, username):
    page.goto(f"{url}/compte/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def assert_accessible(page, label):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"axe ({label}):\n{results.generate_report()}"


def test_operator_logs_a_call_from_the_keyboard(line, open_page):
    page = open_page(DESKTOP)
    log_in(page, line["url"], "assistance")
    page.goto(f"{line['url']}/assistance/appel/")
    search = page.get_by_label("Nom, prénom ou matricule")
    assert search.evaluate("el => el === document.activeElement")  # ready to type as the phone rings
    search.press_sequentially("dup elo", delay=20)
    result = page.get_by_role("radio", name="Élodie Dupré")
    result.wait_for()
    assert result.is_checked()  # the single match is already chosen
    page.get_by_label("Thème").select_option(label="Activer sa messagerie professionnelle")
    page.get_by_label("Ce que dit la personne").fill("Ne reçoit pas le code par SMS.")
    page.get_by_role("button", name="Enregistrer").click()
    notice = page.get_by_role("status").filter(has_text="enregistré")
    notice.wait_for()
    ticket = Ticket.objects.get()
    assert f"Ticket n° {ticket.pk} enregistré" in notice.inner_text()
    assert ticket.requester == line["agent"] and ticket.created_by == line["operator"]
    # The form is empty again, focus back in the search box for the next call.
    assert page.get_by_label("Nom, prénom ou matricule").input_value() == ""
    assert page.problems == []


def test_agent_sends_the_public_form_from_a_phone(line, open_page):
    page = open_page(PHONE)
    page.goto(f"{line['url']}/assistance/aide/?site={line['site'].public_id}")
    assert "Dépôt Nord" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "formulaire public")
    page.get_by_label("Votre prénom et votre nom").fill("Élodie Dupré")
    page.get_by_label("Votre numéro de téléphone").fill("06 12 34 56 78")
    page.get_by_label("Votre problème, en quelques mots").fill("Je n'arrive pas à ouvrir ma messagerie.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Merci, votre demande est envoyée").wait_for()
    ticket = Ticket.objects.get()
    assert page.locator(".ticket-number").inner_text() == str(ticket.pk)
    assert ticket.channel == Channel.WEB and ticket.site == line["site"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "confirmation")
    assert page.problems == []


def test_pages_pass_axe(line, open_page):
    ticket = services.ticket_create(
        acting_user=line["operator"],
        channel=Channel.PHONE,
        subject="Messagerie",
        requester=line["agent"],
        description="Code",
        category=topic("messagerie"),  # its guides are suggested on the page
    )
    services.ticket_add_note(acting_user=line["operator"], ticket=ticket, body="Rappeler à 14 h")
    page = open_page(DESKTOP)
    log_in(page, line["url"], "assistance")
    for label, path in [
        ("file", "/assistance/"),
        ("ticket", f"/assistance/tickets/{ticket.public_id}/"),
        ("appel", "/assistance/appel/"),
        ("statistiques", "/assistance/statistiques/"),
    ]:
        page.goto(line["url"] + path)
        assert_accessible(page, label)
    phone = open_page(PHONE)
    for label, path in [
        ("guides", "/guides/"),
        ("guide", "/guides/activer-sa-messagerie-sur-son-telephone/"),
        ("affichette", "/guides/activer-sa-messagerie-sur-son-telephone/affiche/"),
    ]:
        phone.goto(line["url"] + path)
        assert_accessible(phone, label)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], label
    assert page.problems == [] and phone.problems == []
