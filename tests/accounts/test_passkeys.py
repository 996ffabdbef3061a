"""Passkeys around the ceremony (the ceremony itself runs in Chromium: test_passkeys_browser.py)."""

import hashlib
import secrets

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.enums import Role
from relais.accounts.services import two_factor_reset
from relais.journal.models import Entry
from tests.accounts.helpers import force_verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SETUP = reverse("accounts:two_factor_setup")
PASSWORD = "motdepasse-de-test"


def passkey(user, name="Téléphone") -> WebAuthnCredential:
    credential_id = secrets.token_bytes(32)
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=credential_id,
        credential_id_sha256=hashlib.sha256(credential_id).hexdigest(),
        public_key=secrets.token_bytes(77),
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def test_a_passkey_is_listed_and_removed_when_another_factor_remains(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    force_verified_login(client, chef)  # an authenticator app, and this session gave its code
    key = passkey(chef, "Clé USB")
    page = client.get(SETUP).content.decode()
    assert "Clé USB, enregistrée le" in page and "Une application est enregistrée." in page
    response = client.post(reverse("accounts:passkey_remove", args=[key.pk]), follow=True)
    assert "Clé d&#x27;accès retirée." in response.content.decode()
    assert not WebAuthnCredential.objects.filter(pk=key.pk).exists()
    assert Entry.objects.get(action="accounts.passkey_remove").payload == {"cle": "Clé USB"}


def test_the_only_second_factor_cannot_be_removed(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    key = passkey(chef)
    client.force_login(chef)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = key.persistent_id  # this session gave its passkey, the only factor
    session.save()
    response = client.post(reverse("accounts:passkey_remove", args=[key.pk]), follow=True)
    assert "seul second facteur" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()
    assert not Entry.objects.filter(action="accounts.passkey_remove").exists()


def test_someone_elses_passkey_cannot_be_removed(client, no_demo):
    chef, other = UserFactory(username="chef", role=Role.COORDINATOR), UserFactory(username="autre")
    force_verified_login(client, chef)
    key = passkey(other)
    response = client.post(reverse("accounts:passkey_remove", args=[key.pk]), follow=True)
    assert "n&#x27;existe plus" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_the_password_alone_cannot_add_a_passkey_to_an_enrolled_account(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    passkey(chef)
    client.post(reverse("accounts:login"), {"username": "chef", "password": PASSWORD})
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403
    assert "Donnez d'abord le code de votre application ou de votre clé d'accès actuelle" in response.json()["detail"]


def test_a_first_passkey_can_be_enrolled_after_the_password_for_this_host(client, no_demo):
    UserFactory(username="chef", role=Role.COORDINATOR)
    client.post(reverse("accounts:login"), {"username": "chef", "password": PASSWORD})
    options = client.post(reverse("otp_webauthn:credential-registration-begin")).json()
    assert options["rp"] == {"name": "Relais", "id": "testserver"}
    assert options["user"]["name"] == "chef"


def test_no_passwordless_sign_in(client, no_demo):
    UserFactory(username="chef", role=Role.COORDINATOR)
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code in (302, 403) and "challenge" not in response.content.decode()


def test_an_administrators_reset_removes_the_passkeys_too(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    admin = UserFactory(username="root", role=Role.ADMIN, is_superuser=True, is_staff=True)
    passkey(chef)
    two_factor_reset(user=chef, acting_user=admin)
    assert not WebAuthnCredential.objects.filter(user=chef).exists()
