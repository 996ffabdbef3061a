"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a subprocess.

Its RS256 key is generated here, its port is free on 127.0.0.1; Relais talks to it over HTTP as to Entra ID
or Keycloak (discovery document, authorization, token and JWKS endpoints). Nothing is mocked.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "relais-test"
CLIENT_SECRET = "secret-du-client-relais-de-test"
TEST_CLIENT_CALLBACK = "http://testserver/compte/sso/retour/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    directory: Path
    database: Path
    discovery: dict
    process: subprocess.Popen
    log: object

    def set_people(self, people: dict) -> None:
        """{username: {"password": …, "claims": {"sub": …, "roles": […], …}}}: the provider's directory now."""
        self.directory.write_text(json.dumps(people), encoding="utf-8")

    def allow_redirect(self, uri: str) -> None:
        """Register one more redirect URI for Relais (a live server's port is known only once it runs)."""
        with sqlite3.connect(self.database) as db:
            (current,) = db.execute("SELECT redirect_uris FROM oauth2_provider_application").fetchone()
            if uri not in current.split():
                login = uri.replace("/compte/sso/retour/", "/compte/connexion/")
                db.execute(
                    "UPDATE oauth2_provider_application SET redirect_uris = ?, "
                    "post_logout_redirect_uris = post_logout_redirect_uris || ' ' || ?",
                    (f"{current} {uri}", login),
                )

    def relais_settings(self) -> dict:
        """The settings an IT department would set from the discovery document (docs/integrations.md)."""
        d = self.discovery
        return {
            "RELAIS_OIDC_ISSUER": d["issuer"].rstrip("/"),
            "RELAIS_SSO_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": d["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": d["token_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": d["jwks_uri"],
            "OIDC_OP_USER_ENDPOINT": "",
            "RELAIS_OIDC_END_SESSION_ENDPOINT": d.get("end_session_endpoint", ""),
        }


def start_provider(workdir: Path) -> Provider:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = workdir / "provider-key.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    directory = workdir / "people.json"
    directory.write_text("{}", encoding="utf-8")
    database = workdir / "provider.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "RELAIS_"))},
        "DJANGO_SETTINGS_MODULE": "tests.accounts.oidc_provider.settings",
        "PROVIDER_DB": str(database),
        "PROVIDER_KEY_FILE": str(key_file),
        "PROVIDER_ISSUER": issuer,
        "PROVIDER_DIRECTORY": str(directory),
        "PYTHONPATH": str(ROOT),
    }
    log = open(workdir / "provider.log", "wb")  # noqa: SIM115 (closed by stop_provider)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.accounts.oidc_provider.serve",
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            TEST_CLIENT_CALLBACK,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        process.wait()
        process.stdout.close()
        log.close()
        raise RuntimeError(f"the test provider did not start: {(workdir / 'provider.log').read_text()[-2000:]}")
    deadline = time.monotonic() + 20
    while True:
        try:
            discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
            break
        except requests.RequestException:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.1)
    return Provider(
        issuer=issuer, directory=directory, database=database, discovery=discovery, process=process, log=log
    )


def stop_provider(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()
    provider.process.stdout.close()
    provider.log.close()


def log_in_at_provider(authorize_url: str, username: str, password: str) -> str:
    """What a browser does at the provider: follow to its login form, post it, come back with the redirect.

    Returns the URL the provider sends the browser back to (Relais's callback with code and state).
    """
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    login_url = requests.compat.urljoin(authorize_url, response.headers["Location"])
    form = browser.get(login_url, timeout=10)
    response = browser.post(
        login_url,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": requests.utils.unquote(login_url.split("next=", 1)[1]),
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    assert form.status_code == 200 and response.status_code == 302, response.text[:500]
    response = browser.get(requests.compat.urljoin(login_url, response.headers["Location"]), allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]
