import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from relais.accounts.enums import Role


def test_healthz_is_public(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_accessibility_statement_is_public(client, db):
    response = client.get(reverse("core:accessibility"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Déclaration d'accessibilité" in html
    assert "non conforme" in html and "RGAA" in html and "Défenseur des droits" in html
    assert "!!MISSING" not in html


def test_accessibility_statement_is_linked_from_every_page(client, users):
    client.force_login(users[Role.COORDINATOR])
    assert reverse("core:accessibility") in client.get(reverse("insights:home")).content.decode()
    client.logout()
    assert reverse("core:accessibility") in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize("url_name", ["insights:home", "agents:agent_list", "accounts:login", "core:accessibility"])
def test_csp_header_has_a_nonce_and_no_unsafe_inline(client, users, url_name):
    client.force_login(users[Role.COORDINATOR])
    response = client.get(reverse(url_name))
    if response.status_code == 302:  # the login page sends a logged-in user home
        response = client.get(response["Location"])
    policy = response["Content-Security-Policy"]
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert " style=" not in html  # no inline style attribute anywhere: the CSP would block it
    assert "<style" not in html


def test_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _python_with_production_settings(code: str, env: dict) -> str:
    """Run `code` in a new Python process with the production settings' defaults plus `env`; its output."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"RELAIS_SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "config.settings.base"} | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _settings_with(env: dict) -> dict:
    code = (
        "import json, config.settings.base as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'DEBUG']}))"
    )
    return json.loads(_python_with_production_settings(code, env))


def test_cookies_are_secure_by_default_and_when_relais_secure():
    for env in ({}, {"RELAIS_SECURE": "true"}):
        values = _settings_with(env)
        assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
        assert values["SECURE_HSTS_SECONDS"] > 0
        assert values["DEBUG"] is False
    relaxed = _settings_with({"RELAIS_SECURE": "false"})
    assert not relaxed["SESSION_COOKIE_SECURE"]


def test_secure_flag_is_set_on_the_session_cookie(client, users, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(reverse("accounts:login"), {"username": "coordination", "password": "motdepasse-de-test"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_not_found_page_is_french(client, users):
    client.force_login(users[Role.COORDINATOR])
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and "!!MISSING" not in html


def test_forbidden_page_is_french(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=""))
    response = client.get(reverse("agents:agent_list"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Une erreur est survenue" in html and "!!MISSING" not in html
    assert RequestFactory  # the 500 page is rendered by Django without context processors


def test_rate_limits_are_counted_across_processes_with_the_default_cache():
    """The web workers are separate processes: a limit counted per process would let through a multiple of it."""
    address = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"  # this run's own counter
    code = (
        "import django; django.setup(); from django.test import RequestFactory; "
        "from relais.helpdesk.public_views import _rate_limited; "
        f"request = RequestFactory().post('/', REMOTE_ADDR='{address}'); "
        "print(sum(_rate_limited(request) for _ in range(3)))"
    )
    refused = [_python_with_production_settings(code, {"RELAIS_PUBLIC_FORM_RATE": "5"}) for _process in range(2)]
    assert refused == ["0", "1"]  # 3 posts, then 3 more from another process: the sixth is over the limit of 5


@pytest.mark.django_db
def test_a_nul_character_in_the_address_is_refused_for_pages_and_the_api(client):
    """PostgreSQL cannot hold a NUL: a search `?q=%00` answered 500 there; every view now refuses it first."""
    response = client.get("/agents/?q=a%00b")
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    response = client.get("/api/v1/agents?matricule=%00")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
