"""Single sign-on against a real OpenID Connect provider (tests/accounts/sso_provider.py), never mocked.

The test client plays Relais's side; `requests` plays the browser at the provider. Relais itself calls the
provider's token and JWKS endpoints over HTTP and checks the RS256 ID token.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.accounts.scopes import direction_scope
from relais.journal.models import Entry
from tests.accounts.sso_provider import log_in_at_provider
from tests.factories import DirectionFactory, UserFactory

HOME = reverse("insights:home")
LOGIN = reverse("accounts:login")
START = reverse("accounts:oidc_authenticate")

pytestmark = pytest.mark.django_db


def person(sub, roles, **claims):
    return {"password": f"mdp-{sub}", "claims": {"sub": sub, "roles": roles, **claims}}


def sso_login(client, username, password, *, next_url=None):
    """The whole round trip; returns Relais's answer to the provider's redirect back."""
    response = client.get(START, {"next": next_url} if next_url else None)
    assert response.status_code == 302
    back = log_in_at_provider(response["Location"], username, password)
    parts = urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver"
    return client.get(parts.path, parse_qs(parts.query))


def test_the_login_page_offers_single_sign_on_when_configured(client, sso):
    html = client.get(LOGIN).content.decode()
    assert "Se connecter avec le compte de la collectivité" in html
    assert f'href="{START}"' in html


def test_the_authorization_request_carries_pkce_state_and_nonce(client, sso):
    location = client.get(START)["Location"]
    assert location.startswith(sso.discovery["authorization_endpoint"])
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32


def test_a_coordinator_signs_in_and_gets_an_account_from_the_claims(client, sso):
    sso.set_people(
        {
            "hmarchand": person(
                "sub-hm",
                ["coordinator"],
                preferred_username="hmarchand",
                given_name="Hélène",
                family_name="Marchand",
                email="helene.marchand@example.org",
            )
        }
    )
    response = sso_login(client, "hmarchand", "mdp-sub-hm", next_url=reverse("agents:agent_list"))
    assert response.status_code == 302 and response["Location"] == reverse("agents:agent_list")
    user = User.objects.get(oidc_subject="sub-hm")
    assert (user.username, user.role, user.first_name, user.email) == (
        "hmarchand",
        Role.COORDINATOR,
        "Hélène",
        "helene.marchand@example.org",
    )
    assert not user.has_usable_password()
    assert client.session[BACKEND_SESSION_KEY] == "relais.accounts.oidc.Backend"
    # The provider's own second factor stands for Relais's (RELAIS_SSO_MFA="provider", the default).
    assert client.get(HOME).status_code == 200
    entry = Entry.objects.get(action="accounts.user_create", object_id=str(user.pk))
    assert entry.payload == {"source": "sso", "role": "coordinator", "directions": []}


def test_an_hr_correspondent_sees_the_directions_the_provider_names(client, sso):
    dpe = DirectionFactory(code="DPE")
    DirectionFactory(code="DFPE")
    sso.set_people({"kbenali": person("sub-kb", "hr", preferred_username="kbenali", directions=["dpe", "XYZ"])})
    assert sso_login(client, "kbenali", "mdp-sub-kb").status_code == 302
    user = User.objects.get(oidc_subject="sub-kb")
    assert user.role == Role.HR
    assert direction_scope(user).direction_ids == frozenset({dpe.pk})
    entry = Entry.objects.get(action="accounts.user_create", object_id=str(user.pk))
    assert entry.payload["directions"] == ["DPE"] and entry.payload["directions_inconnues"] == ["XYZ"]


def test_the_next_sign_in_updates_role_and_directions_and_journals_the_change(client, sso):
    DirectionFactory(code="DPE")
    sso.set_people({"kb": person("sub-kb", ["hr"], preferred_username="kb", directions="DPE")})
    sso_login(client, "kb", "mdp-sub-kb")
    client.post(reverse("accounts:logout"))
    sso.set_people({"kb": person("sub-kb", ["mediator"], preferred_username="kb")})
    assert sso_login(client, "kb", "mdp-sub-kb").status_code == 302
    user = User.objects.get(oidc_subject="sub-kb")
    assert user.role == Role.MEDIATOR and not user.directions.exists()
    entry = Entry.objects.get(action="accounts.user_update", object_id=str(user.pk))
    assert entry.payload["changes"]["role"] == ["hr", "mediator"]
    assert entry.payload["changes"]["directions"] == [["DPE"], []]


def test_the_role_map_reads_the_providers_groups(client, sso, settings):
    settings.RELAIS_OIDC_ROLE_CLAIM = "groups"
    settings.RELAIS_OIDC_ROLE_MAP = {"GG-Relais-Admins": "admin"}
    sso.set_people({"tl": {"password": "x", "claims": {"sub": "sub-tl", "groups": ["Tous", "GG-Relais-Admins"]}}})
    sso_login(client, "tl", "x")
    user = User.objects.get(oidc_subject="sub-tl")
    assert user.role == Role.ADMIN and user.is_staff and user.is_superuser


def test_a_person_without_a_role_gets_a_french_page_and_no_account(client, sso):
    sso.set_people({"inconnu": person("sub-x", ["lecteur"], preferred_username="inconnu")})
    response = sso_login(client, "inconnu", "mdp-sub-x")
    html = response.content.decode()
    assert response.status_code == 403
    assert "ne vous donne aucun rôle dans Relais" in html
    assert "équipe de coordination de la médiation numérique" in html
    assert not User.objects.filter(oidc_subject="sub-x").exists()
    assert client.get(HOME).status_code == 302


def test_a_role_withdrawn_at_the_provider_is_withdrawn_here(client, sso):
    sso.set_people({"nt": person("sub-nt", ["mediator"], preferred_username="nt")})
    sso_login(client, "nt", "mdp-sub-nt")
    client.post(reverse("accounts:logout"))
    sso.set_people({"nt": person("sub-nt", [], preferred_username="nt")})
    assert sso_login(client, "nt", "mdp-sub-nt").status_code == 403
    user = User.objects.get(oidc_subject="sub-nt")
    assert user.role == ""
    assert Entry.objects.get(action="accounts.user_update").payload["changes"]["role"] == ["mediator", ""]


def test_a_local_account_of_the_same_username_is_not_taken_over(client, sso):
    UserFactory(username="admin2", role=Role.ADMIN, is_superuser=True)
    sso.set_people({"admin2": person("sub-evil", ["mediator"], preferred_username="admin2")})
    response = sso_login(client, "admin2", "mdp-sub-evil")
    assert response.status_code == 403
    assert "un autre compte Relais porte déjà votre identifiant" in response.content.decode()
    assert User.objects.get(username="admin2").oidc_subject == ""


def test_a_token_from_another_issuer_is_refused(client, sso, settings):
    settings.RELAIS_OIDC_ISSUER = "http://127.0.0.1:1/autre"
    sso.set_people({"nt": person("sub-nt", ["mediator"])})
    response = sso_login(client, "nt", "mdp-sub-nt")
    assert response["Location"] == LOGIN
    assert "n'a pas abouti" in client.get(LOGIN).content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()


def test_a_forged_state_and_a_replayed_code_are_refused(client, sso):
    sso.set_people({"nt": person("sub-nt", ["mediator"], preferred_username="nt")})
    response = client.get(START)
    back = urlsplit(log_in_at_provider(response["Location"], "nt", "mdp-sub-nt"))
    query = parse_qs(back.query)
    assert client.get(back.path, {**query, "state": ["forged"]})["Location"] == LOGIN
    assert client.get(HOME).status_code == 302
    assert client.get(back.path, query).status_code == 302  # the real state still signs in
    client.post(reverse("accounts:logout"))
    replay = client.get(back.path, query)
    assert replay["Location"] == LOGIN
    assert client.get(HOME).status_code == 302


def test_relais_can_ask_its_own_second_factor_after_single_sign_on(client, sso, settings, no_demo):
    settings.RELAIS_SSO_MFA = "relais"
    sso.set_people({"hm": person("sub-hm", ["coordinator"], preferred_username="hm")})
    sso_login(client, "hm", "mdp-sub-hm")
    assert client.get(HOME)["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_logout_ends_the_session_at_the_provider_too(client, sso):
    sso.set_people({"nt": person("sub-nt", ["mediator"], preferred_username="nt")})
    sso_login(client, "nt", "mdp-sub-nt")
    response = client.post(reverse("accounts:logout"))
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == sso.discovery["end_session_endpoint"]
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/compte/connexion/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert client.get(HOME).status_code == 302


def test_without_an_issuer_there_is_no_single_sign_on(client, settings):
    settings.RELAIS_SSO_ENABLED = False
    assert "compte de la collectivité" not in client.get(LOGIN).content.decode()
    assert client.get(START).status_code == 404
    assert client.get(reverse("accounts:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404
