"""Signing in as a person does, in Chromium: through the real test provider, and with a second factor."""

import re

import pytest
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.accounts.models import User
from tests.accounts.helpers import totp_now
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in, log_out
from tests.browser.plugin import DESKTOP, PHONE
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_single_sign_on_in_a_browser(seeded, live_server, sso, open_page):
    sso.allow_redirect(f"{live_server.url}/compte/sso/retour/")
    sso.set_people(
        {
            "nadia.traore": {
                "password": "mdp-fournisseur",
                "claims": {"sub": "sub-nt", "roles": "mediator", "given_name": "Nadia", "family_name": "Traoré"},
            }
        }
    )
    page = open_page(PHONE)
    page.goto(f"{live_server.url}/")
    assert "/compte/connexion/" in page.url
    assert_accessible(page, "connexion avec authentification unique")
    page.get_by_role("link", name="Se connecter avec le compte de la collectivité").click()
    page.wait_for_url(f"{sso.issuer.rsplit('/o', 1)[0]}/login/**")
    page.get_by_label("Identifiant du fournisseur").fill("nadia.traore")
    page.get_by_label("Mot de passe du fournisseur").fill("mdp-fournisseur")
    page.get_by_role("button", name="Valider chez le fournisseur").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Ma journée", exact=True)).to_be_visible()
    assert User.objects.get(oidc_subject="sub-nt").role == Role.MEDIATOR
    assert_no_problems(page)


def test_a_coordinator_enrols_then_signs_in_with_a_code(seeded, live_server, open_page, settings):
    settings.RELAIS_DEMO = False
    chef = UserFactory(username="chef", role=Role.COORDINATOR, first_name="Hélène")
    page = open_page(PHONE)
    log_in_to = f"{live_server.url}/compte/double-authentification/"
    page.goto(f"{live_server.url}/")
    page.get_by_label("Identifiant").fill("chef")
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{log_in_to}**")
    expect(page.get_by_role("img", name=re.compile("QR code à scanner"))).to_be_visible()
    assert_accessible(page, "enrôlement double authentification")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    device = chef.totpdevice_set.get(confirmed=False)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    page.get_by_label("Code à 6 chiffres").fill("12345")
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code ne correspond pas")
    assert_accessible(page, "enrôlement, code faux")
    # The refused code's answer is a 422, which Chromium reports on the console: expected, nothing else.
    assert all("status of 422" in problem for problem in page.problems)
    page.problems.clear()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    page.get_by_label("Code à 6 chiffres").fill(totp_now(device))
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    codes = page.get_by_role("list", name="Codes de secours").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "codes de secours")
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Vue d'ensemble de la ville", exact=True)).to_be_visible()

    log_out(page)
    log_in_page = page
    log_in_page.get_by_label("Identifiant").fill("chef")
    log_in_page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    log_in_page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{log_in_to}code/**")
    assert_accessible(page, "code de double authentification")
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("il vous en reste 9")
    assert_no_problems(page)


def test_the_login_page_tells_the_demo_accounts_are_exempt(seeded, live_server, open_page, settings):
    settings.RELAIS_DEMO = True
    UserFactory(username="coordination", role=Role.COORDINATOR)
    page = open_page(DESKTOP)
    page.goto(f"{live_server.url}/compte/connexion/")
    expect(page.locator("#demo-notice")).to_contain_text("sans double authentification")
    assert_accessible(page, "connexion, mode démonstration")
    log_in(page, live_server.url, "coordination")
    expect(page.get_by_role("heading", name="Vue d'ensemble de la ville", exact=True)).to_be_visible()
