import pytest
from django.urls import reverse

from relais.accounts.enums import Role

LOGIN = reverse("accounts:login")


def test_login_page_is_french_and_labelled(client, db):
    html = client.get(LOGIN).content.decode()
    assert "Connexion à Relais" in html
    assert '<label for="id_username">Identifiant</label>' in html
    assert '<label for="id_password">Mot de passe</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "!!MISSING" not in html


def test_bad_password_is_explained(client, users):
    response = client.post(LOGIN, {"username": "rh", "password": "pas-le-bon"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize("username", ["admin", "coordination", "mediation", "rh", "assistance"])
def test_each_role_logs_in_and_lands_home(client, users, username):
    response = client.post(LOGIN, {"username": username, "password": "motdepasse-de-test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:home")


def test_login_returns_to_the_page_asked_for(client, users):
    response = client.post(
        LOGIN, {"username": "coordination", "password": "motdepasse-de-test", "next": reverse("agents:agent_list")}
    )
    assert response["Location"] == reverse("agents:agent_list")


def test_logged_in_user_is_sent_home_from_login(client, users):
    client.force_login(users[Role.HR])
    assert client.get(LOGIN)["Location"] == reverse("insights:home")


def test_logout_is_a_post_and_confirms(client, users):
    client.force_login(users[Role.HR])
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "Vous êtes déconnecté de Relais." in response.content.decode()
    assert client.get(reverse("insights:home")).status_code == 302
