"""Passkeys as a second factor, in Chromium with its virtual authenticator (WebAuthn over the DevTools protocol):
the browser and django-otp-webauthn do the real ceremony, nothing is mocked."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.journal.models import Entry
from tests.browser.helpers import assert_accessible, assert_no_problems, log_out
from tests.browser.plugin import PASSWORD, PHONE
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator (fingerprint or face unlock) that says yes, as a phone's would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    return cdp, cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]


def sign_in_with_password(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_coordinator_enrols_a_passkey_then_signs_in_with_it(seeded, live_server, open_page, settings):
    settings.RELAIS_DEMO = False
    chef = UserFactory(username="chef", role=Role.COORDINATOR, first_name="Hélène")
    page = open_page(PHONE)
    cdp, authenticator = virtual_authenticator(page)

    sign_in_with_password(page, live_server.url, "chef")
    page.wait_for_url(f"{live_server.url}/compte/double-authentification/**")
    expect(page.get_by_role("heading", name="Ou bien : une clé d'accès")).to_be_visible()
    assert_accessible(page, "enrôlement avec clé d'accès")
    page.get_by_role("button", name="Enregistrer une clé d'accès").click()
    # Four round trips (options, the authenticator, the check, the codes page): slow on a loaded machine.
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible(timeout=15_000)
    assert WebAuthnCredential.objects.filter(user=chef, confirmed=True).count() == 1
    assert Entry.objects.filter(action="accounts.passkey_add", object_id=str(chef.pk)).count() == 1
    codes = page.get_by_role("list", name="Codes de secours").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Vue d'ensemble de la ville", exact=True)).to_be_visible()

    log_out(page)
    page.wait_for_url(f"{live_server.url}/compte/connexion/**")
    sign_in_with_password(page, live_server.url, "chef")
    page.wait_for_url(f"{live_server.url}/compte/double-authentification/code/**")
    page.goto(f"{live_server.url}/agents/")  # the password alone opens nothing
    page.wait_for_url(f"{live_server.url}/compte/double-authentification/code/**")
    assert_accessible(page, "vérification par clé d'accès")
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    page.wait_for_url(f"{live_server.url}/agents/")
    assert_no_problems(page)


def test_without_its_passkey_the_browser_is_refused_in_french_and_a_recovery_code_still_works(
    seeded, live_server, open_page, settings
):
    settings.RELAIS_DEMO = False
    UserFactory(username="chef", role=Role.COORDINATOR)
    page = open_page(PHONE)
    cdp, authenticator = virtual_authenticator(page)
    sign_in_with_password(page, live_server.url, "chef")
    page.get_by_role("button", name="Enregistrer une clé d'accès").click()
    # Four round trips (options, the authenticator, the check, the codes page): slow on a loaded machine.
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible(timeout=15_000)
    codes = page.get_by_role("list", name="Codes de secours").locator("code").all_inner_texts()
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    log_out(page)
    page.wait_for_url(f"{live_server.url}/compte/connexion/**")

    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})  # another phone, or the key lost
    sign_in_with_password(page, live_server.url, "chef")
    page.wait_for_url(f"{live_server.url}/compte/double-authentification/code/**")
    expect(page.get_by_text("Sans votre clé d'accès, saisissez un de vos codes de secours.")).to_be_visible()
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    expect(page.locator("#passkey-verification-status-message")).to_have_text("Vérification annulée ou refusée.")
    assert "/compte/double-authentification/code/" in page.url
    page.get_by_label("Code de secours").fill(codes[0])
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("il vous en reste 9")
