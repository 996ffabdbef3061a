"""Password reset by e-mail: local accounts only, same answer for unknown addresses, rate-limited, expiring links,
journaled without the password, and never a way around the second factor."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.enums import Role
from relais.journal.models import Entry
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
HOME = reverse("insights:home")
NEW_PASSWORD = "une phrase de passe toute neuve"

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Ask for a link and run what the commit sends (the task backend of the tests runs it at once)."""

    def _ask(client, email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"email": email}, **extra)

    return _ask


def _link_path(message) -> str:
    url = re.search(r"https?://\S+/compte/mot-de-passe/\S+/", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def _choose(client, link_path, password=NEW_PASSWORD):
    form_page = client.get(link_path, follow=True)
    assert "Choisissez le nouveau mot de passe" in form_page.content.decode()
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True
    )


def test_the_login_page_offers_a_reset_while_local_passwords_are_on(client, settings):
    assert f'href="{RESET}"' in client.get(LOGIN).content.decode()
    settings.RELAIS_LOCAL_LOGIN = False
    assert RESET not in client.get(LOGIN).content.decode()
    assert client.get(RESET).status_code == 404


def test_the_answer_is_the_same_whether_the_address_exists_or_not(client, sent):
    UserFactory(username="nadia", email="nadia.roux@paris.fr", role=Role.MEDIATOR)
    known = sent(client, "Nadia.Roux@paris.fr")
    unknown = sent(client, "personne@paris.fr")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == DONE
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia.roux@paris.fr"]
    assert "Si un compte Relais a cette adresse" in client.get(DONE).content.decode()


def test_a_single_sign_on_account_gets_no_link(client, sent):
    sso = UserFactory(username="sso", email="sso@paris.fr", role=Role.MEDIATOR, oidc_subject="abc-123")
    sso.set_unusable_password()
    sso.save()
    assert sent(client, "sso@paris.fr")["Location"] == DONE
    assert mail.outbox == []


def test_no_link_once_local_passwords_are_off(client, sent, settings):
    UserFactory(username="nadia", email="nadia@paris.fr", role=Role.MEDIATOR)
    settings.RELAIS_LOCAL_LOGIN = False
    assert sent(client, "nadia@paris.fr").status_code == 404
    assert mail.outbox == []


def test_an_unreadable_address_is_explained_in_french(client):
    response = client.post(RESET, {"email": "nadia"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez une adresse e-mail complète" in html and 'aria-invalid="true"' in html


def test_requests_are_limited_per_address_asked_for(client, sent, settings):
    settings.RELAIS_PASSWORD_RESET_PER_EMAIL = 3
    UserFactory(username="nadia", email="nadia@paris.fr", role=Role.MEDIATOR)
    for _ in range(3):
        assert sent(client, "nadia@paris.fr").status_code == 302
    refused = sent(client, "NADIA@paris.fr")
    assert refused.status_code == 429
    assert "Trop de demandes de nouveau mot de passe en une heure" in refused.content.decode()
    assert len(mail.outbox) == 3
    assert sent(client, "autre@paris.fr").status_code == 302  # another address is counted apart


def test_requests_are_limited_per_client_address(client, sent, settings):
    settings.RELAIS_PASSWORD_RESET_PER_ADDRESS = 2
    for n in range(2):
        assert sent(client, f"essai{n}@paris.fr", REMOTE_ADDR="192.0.2.7").status_code == 302
    assert sent(client, "essai9@paris.fr", REMOTE_ADDR="192.0.2.7").status_code == 429
    assert sent(client, "essai9@paris.fr", REMOTE_ADDR="192.0.2.8").status_code == 302


def test_the_link_sets_the_password_once_and_the_reset_is_journaled_without_it(client, sent):
    nadia = UserFactory(username="nadia", email="nadia@paris.fr", role=Role.MEDIATOR)
    sent(client, "nadia@paris.fr")
    link = _link_path(mail.outbox[0])
    done = _choose(client, link)
    assert "Mot de passe enregistré" in done.content.decode()
    nadia.refresh_from_db()
    assert nadia.check_password(NEW_PASSWORD)
    entries = list(Entry.objects.filter(object_id=str(nadia.pk)).order_by("pk").values_list("action", "payload"))
    assert [a for a, _ in entries] == ["accounts.password_reset_request", "accounts.password_reset"]
    assert NEW_PASSWORD not in str(entries) and "motdepasse" not in str(entries)
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien ne fonctionne plus" in again
    # The new password signs in; the page does not sign anyone in by itself.
    assert "_auth_user_id" not in client.session
    assert client.post(LOGIN, {"username": "nadia", "password": NEW_PASSWORD})["Location"] == HOME


def test_the_link_expires(client, sent, settings):
    settings.PASSWORD_RESET_TIMEOUT = 1
    UserFactory(username="nadia", email="nadia@paris.fr", role=Role.MEDIATOR)
    sent(client, "nadia@paris.fr")
    time.sleep(2.1)  # Django's token counts whole seconds
    assert "Ce lien ne fonctionne plus" in client.get(_link_path(mail.outbox[0]), follow=True).content.decode()


def test_a_weak_password_is_refused_in_french(client, sent):
    UserFactory(username="nadia", email="nadia@paris.fr", role=Role.MEDIATOR)
    sent(client, "nadia@paris.fr")
    refused = _choose(client, _link_path(mail.outbox[0]), password="12345678")
    html = refused.content.decode()
    assert "Ce mot de passe est trop court" in html and 'aria-invalid="true"' in html


def test_a_reset_does_not_bypass_the_second_factor(client, sent, no_demo):
    chef = UserFactory(username="chef", email="chef@paris.fr", role=Role.COORDINATOR)
    TOTPDevice.objects.create(user=chef, name="app", confirmed=True)
    sent(client, "chef@paris.fr")
    _choose(client, _link_path(mail.outbox[0]))
    client.post(LOGIN, {"username": "chef", "password": NEW_PASSWORD})
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_reset_ends_the_sessions_open_elsewhere(client, sent, django_user_model):
    from django.test import Client

    nadia = UserFactory(username="nadia", email="nadia@paris.fr", role=Role.MEDIATOR)
    thief = Client()
    thief.force_login(nadia)
    assert thief.get(HOME).status_code == 200
    sent(client, "nadia@paris.fr")
    _choose(client, _link_path(mail.outbox[0]))
    assert thief.get(HOME)["Location"].startswith(LOGIN)
