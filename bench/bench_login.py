"""Login round trips: local password (with and without the second factor) and single sign-on.

    python bench/bench_login.py [--runs 30]

Times, with Django's test client in this process, what a person waits for from the login page to their home:
- local: GET the login page, POST the password, GET the home page (a mediator: no second factor);
- local + TOTP: the same for a coordinator, plus the code page and its POST;
- single sign-on: GET /compte/sso/, the provider's authorize / login form / authorize again (a real
  django-oauth-toolkit provider in a subprocess on 127.0.0.1, tests/accounts/sso_provider.py), Relais's
  callback (code exchange, JWKS, RS256 ID token check, account update, journal), the home page; and the
  callback alone, the part Relais's own code answers for.
Passwords hashed with MD5 (the bench settings: Relais's own cost) and with Django's default PBKDF2 (production).
The mediator's home is nearly empty here: the figures are those of signing in, not of the dashboards.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, setup  # noqa: E402

PASSWORD = "mot-de-passe-du-banc-d-essai"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    setup("login")

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from tests.accounts.helpers import totp_now
    from tests.accounts.sso_provider import log_in_at_provider, start_provider, stop_provider

    login, home = "/compte/connexion/", "/"

    def local(username: str, device: TOTPDevice | None = None) -> None:
        client = Client(SERVER_NAME="localhost")
        assert client.get(login).status_code == 200
        response = client.post(login, {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        response = client.get(response["Location"])
        if device is not None:
            assert response.status_code == 302 and "/double-authentification/code/" in response["Location"]
            assert client.get(response["Location"]).status_code == 200
            response = client.post("/compte/double-authentification/code/", {"code": totp_now(device), "next": home})
            assert response.status_code == 302, response.content.decode()[-800:]
            response = client.get(response["Location"])
        assert response.status_code == 200, response.status_code

    def timed(fn, before=None) -> list[float]:
        out = []
        for i in range(args.runs + 2):
            if before is not None:
                before()
            start = time.perf_counter()
            fn()
            if i >= 2:  # two warm-up rounds
                out.append((time.perf_counter() - start) * 1000)
        return out

    with override_settings(RELAIS_DEMO=False):
        for hasher in ("MD5PasswordHasher", "PBKDF2PasswordHasher"):
            hasher = f"django.contrib.auth.hashers.{hasher}"
            with override_settings(PASSWORD_HASHERS=[hasher]):
                name = hasher.rsplit(".", 1)[1].removesuffix("PasswordHasher")
                mediator, _ = User.objects.get_or_create(username="banc-mediation", defaults={"role": Role.MEDIATOR})
                chef, _ = User.objects.get_or_create(username="banc-coordination", defaults={"role": Role.COORDINATOR})
                for user in (mediator, chef):
                    user.set_password(PASSWORD)
                    user.save()
                device, _ = TOTPDevice.objects.get_or_create(user=chef, defaults={"name": "banc", "confirmed": True})

                def fresh_code(device=device):
                    # A code is accepted once per 30 s: the bench forgets the last one (never done in Relais).
                    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
                    device.refresh_from_db()
                    cache.clear()  # django-axes' counters: only successes here

                report(f"local password, mediator ({name})", timed(lambda: local("banc-mediation"), cache.clear))
                report(
                    f"local password + TOTP code, coordinator ({name})",
                    timed(lambda device=device: local("banc-coordination", device), fresh_code),
                )

    with tempfile.TemporaryDirectory() as workdir:
        provider = start_provider(Path(workdir))
        try:
            provider.allow_redirect("http://localhost/compte/sso/retour/")
            provider.set_people(
                {"banc": {"password": "x", "claims": {"sub": "sub-banc", "roles": ["mediator"], "given_name": "B"}}}
            )
            backends = [*settings.AUTHENTICATION_BACKENDS, "relais.accounts.oidc.Backend"]
            with override_settings(AUTHENTICATION_BACKENDS=backends, **provider.relais_settings()):
                callbacks = []

                def sso() -> None:
                    client = Client(SERVER_NAME="localhost")
                    response = client.get("/compte/sso/")
                    back = urlsplit(log_in_at_provider(response["Location"], "banc", "x"))
                    start = time.perf_counter()
                    response = client.get(back.path, parse_qs(back.query))
                    callbacks.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 302, response.status_code
                    assert client.get(response["Location"]).status_code == 200

                report("single sign-on, whole round trip (provider included)", timed(sso))
                report("single sign-on, Relais's callback alone", callbacks[2:])
        finally:
            stop_provider(provider)
    return 0


if __name__ == "__main__":
    sys.exit(main())
