import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
PASSWORD = "motdepasse-de-test"

pytestmark = pytest.mark.django_db


def _fail(client, username, times, **extra):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "pas-le-bon"}, **extra)
    return response


def test_an_account_is_locked_after_the_failure_limit_even_with_the_right_password(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(username="chef", role=Role.COORDINATOR)
    assert _fail(client, "chef", 4).status_code == 200
    locked = _fail(client, "chef", 1)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Connexion temporairement bloquée" in html and "pendant 15 minutes" in html
    again = client.post(LOGIN, {"username": "chef", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_page_does_not_tell_whether_the_account_exists(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="chef", role=Role.COORDINATOR)
    existing = _fail(client, "chef", 3).content.decode()
    client.cookies.clear()
    missing = _fail(client, "personne", 3, REMOTE_ADDR="10.1.1.1").content.decode()

    def main(html):
        return html.split("<main", 1)[1].split("</main>", 1)[0]

    assert main(existing) == main(missing)


def test_a_success_before_the_limit_starts_the_count_again(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="chef", role=Role.COORDINATOR)
    _fail(client, "chef", 2)
    assert client.post(LOGIN, {"username": "chef", "password": PASSWORD}).status_code == 302
    client.logout()
    assert _fail(client, "chef", 2).status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_address_lock_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_LOCKOUT_PARAMETERS = ["ip_address"]
    settings.RELAIS_TRUSTED_PROXIES = ["10.0.0.1"]
    for n in range(3):
        client.post(LOGIN, {"username": f"essai{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = client.post(LOGIN, {"username": "autre", "password": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_LOCKOUT_PARAMETERS = ["ip_address"]
    settings.RELAIS_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        client.post(LOGIN, {"username": "a", "password": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    blocked = client.post(LOGIN, {"username": "b", "password": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    assert blocked.status_code == 429
    other = client.post(LOGIN, {"username": "c", "password": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.11", **proxy)
    assert other.status_code == 200


def test_local_passwords_can_be_switched_off(client, settings):
    UserFactory(username="chef", role=Role.MEDIATOR)
    settings.RELAIS_LOCAL_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]
    page = client.get(LOGIN).content.decode()
    assert 'name="password"' not in page
    assert client.post(LOGIN, {"username": "chef", "password": PASSWORD}).status_code == 405
    assert "_auth_user_id" not in client.session
