"""Sessions end after inactivity and at their maximum age; a user lists and ends their sessions and revokes their
own API tokens from « Mes sessions et jetons ». Time is moved by writing the session's own timestamps in the past."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.devices import device_summary, truncated_address
from relais.accounts.enums import Role
from relais.accounts.models import UserSession
from relais.accounts.sessions import ACTIVITY_KEY, STARTED_KEY
from relais.api.enums import Scope
from relais.api.services import token_create
from relais.journal.models import Entry
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
HOME = reverse("insights:home")
AGENTS = reverse("agents:agent_list")
SESSIONS = reverse("accounts:sessions")
PASSWORD = "motdepasse-de-test"
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36 Edg/131.0.0.0"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nadia():
    return UserFactory(username="nadia", role=Role.MEDIATOR, first_name="Nadia")


def _signed_in(user, user_agent=ANDROID_FIREFOX, address="192.0.2.41") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def _age(client, *, idle_seconds=0, age_seconds=0):
    session = client.session
    now = time.time()
    if idle_seconds:
        session[ACTIVITY_KEY] = now - idle_seconds
    if age_seconds:
        session[STARTED_KEY] = now - age_seconds
    session.save()


def test_a_session_idle_longer_than_the_limit_is_sent_to_login_with_a_french_message(nadia, settings):
    settings.RELAIS_SESSION_IDLE_MINUTES = 60
    client = _signed_in(nadia)
    assert client.get(AGENTS).status_code == 200
    _age(client, idle_seconds=61 * 60)
    response = client.get(AGENTS)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/agents/"
    page = client.get(response["Location"]).content.decode()
    assert "Votre session a expiré après 60 minutes sans activité. Reconnectez-vous pour continuer." in page
    assert not UserSession.objects.filter(user=nadia).exists()


def test_activity_within_the_limit_keeps_the_session_and_moves_its_last_activity(nadia, settings):
    settings.RELAIS_SESSION_IDLE_MINUTES = 60
    client = _signed_in(nadia)
    _age(client, idle_seconds=59 * 60)
    before = UserSession.objects.get(user=nadia).last_activity_at
    assert client.get(AGENTS).status_code == 200
    assert time.time() - client.session[ACTIVITY_KEY] < 5
    assert UserSession.objects.get(user=nadia).last_activity_at > before


def test_a_session_ends_at_its_maximum_age_however_active(nadia, settings):
    client = _signed_in(nadia)
    _age(client, age_seconds=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(HOME, follow=True)
    assert "Votre session a atteint sa durée maximale de 10 heures." in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(LOGIN)


def test_htmx_is_sent_to_login_by_hx_redirect_not_a_swapped_login_page(nadia):
    client = _signed_in(nadia)
    _age(client, idle_seconds=settings.RELAIS_SESSION_IDLE_MINUTES * 60 + 5)
    response = client.get(AGENTS, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/agents/?q=du"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fagents%2F%3Fq%3Ddu"


def test_the_field_work_outbox_gets_401_and_keeps_its_entry(nadia):
    """outbox.js keeps an entry answered 401 and sends it again once the person has signed in (not a 302 it would
    follow to the login page and take for a success)."""
    client = _signed_in(nadia)
    _age(client, idle_seconds=settings.RELAIS_SESSION_IDLE_MINUTES * 60 + 5)
    response = client.post(AGENTS, {"x": "1"}, headers={"HX-Request": "true", "X-Relais-Outbox": "1"})
    assert response.status_code == 401
    assert "reconnectez-vous" in response.content.decode()


def test_the_outbox_gets_401_while_a_second_factor_is_owed(no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    TOTPDevice.objects.create(user=chef, name="app", confirmed=True)
    client = _signed_in(chef)
    response = client.post(AGENTS, {"x": "1"}, headers={"HX-Request": "true", "X-Relais-Outbox": "1"})
    assert response.status_code == 401


def test_logout_forgets_the_session(nadia):
    client = _signed_in(nadia)
    assert UserSession.objects.filter(user=nadia).count() == 1
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=nadia).exists()


def test_the_page_lists_the_users_own_sessions_this_one_marked(nadia):
    phone = _signed_in(nadia, ANDROID_FIREFOX, "192.0.2.41")
    _signed_in(nadia, WINDOWS_EDGE, "2001:db8:1234:5678::1")
    _signed_in(UserFactory(username="autre", role=Role.MEDIATOR), "Mozilla/5.0 (iPhone) Version/17 Safari/604.1")
    html = phone.get(SESSIONS).content.decode()
    assert html.count('<li class="session') == 2
    assert "Firefox sur Android" in html and "Edge sur Windows" in html and "Safari sur iPhone" not in html
    assert html.index("Firefox sur Android") < html.index("Cet appareil") < html.index("Edge sur Windows")
    assert "192.0.2.0/24" in html and "2001:db8:1234::/48" in html and "192.0.2.41" not in html
    assert "Fermer toutes les autres sessions (1)" in html
    assert phone.session.session_key not in html


def test_ending_another_session_signs_that_device_out(nadia):
    phone = _signed_in(nadia, ANDROID_FIREFOX)
    office = _signed_in(nadia, WINDOWS_EDGE)
    other = UserSession.objects.get(session_key=office.session.session_key)
    response = phone.post(reverse("accounts:session_end", args=[other.public_id]), follow=True)
    assert "La session est fermée" in response.content.decode()
    assert office.get(HOME)["Location"].startswith(LOGIN)
    assert phone.get(HOME).status_code == 200
    entry = Entry.objects.get(action="accounts.session_end")
    assert entry.acting_user == nadia and entry.payload["appareil"] == "Edge sur Windows"


def test_a_user_cannot_end_someone_elses_session(nadia):
    intruder = _signed_in(UserFactory(username="autre", role=Role.MEDIATOR))
    victim = _signed_in(nadia)
    row = UserSession.objects.get(session_key=victim.session.session_key)
    assert intruder.post(reverse("accounts:session_end", args=[row.public_id])).status_code == 404
    assert victim.get(HOME).status_code == 200


def test_ending_all_other_sessions_keeps_this_one(nadia):
    here = _signed_in(nadia)
    elsewhere = [_signed_in(nadia, WINDOWS_EDGE) for _ in range(2)]
    response = here.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "2 autres sessions fermées." in response.content.decode()
    assert all(c.get(HOME)["Location"].startswith(LOGIN) for c in elsewhere)
    assert here.get(HOME).status_code == 200
    assert Entry.objects.get(action="accounts.sessions_end_others").payload == {"sessions": 2}


def test_the_page_lists_own_api_tokens_without_their_secret_and_revokes_them(nadia, users):
    issued = token_create(acting_user=None, user=nadia, scopes=[Scope.AGENTS_READ], days=30, name="Tableur RH")
    foreign = token_create(acting_user=None, user=users[Role.HR], scopes=[Scope.AGENTS_READ], name="Autre")
    client = _signed_in(nadia)
    api = Client()
    bearer = {"Authorization": f"Bearer {issued.clear}"}
    assert api.get("/api/v1/agents", headers=bearer).status_code == 200
    html = client.get(SESSIONS).content.decode()
    assert "Tableur RH" in html and issued.token.prefix in html and "Lire les agents" in html
    assert issued.clear not in html and issued.clear.split("_", 2)[2] not in html
    assert "Autre" not in html and foreign.token.prefix not in html
    revoke = reverse("tokens:token_revoke", args=[issued.token.public_id])
    response = client.post(revoke, follow=True)
    assert "Le jeton « Tableur RH » est révoqué" in response.content.decode()
    assert api.get("/api/v1/agents", headers=bearer).status_code == 401
    entry = Entry.objects.get(action="api.token_revoke")
    assert entry.acting_user == nadia
    # Someone else's token is not found from this page.
    assert client.post(reverse("tokens:token_revoke", args=[foreign.token.public_id])).status_code == 404


def test_the_user_menu_links_to_the_page(nadia):
    client = _signed_in(nadia)
    assert f'href="{SESSIONS}"' in client.get(HOME).content.decode()
    assert 'href="/compte/sessions/" aria-current="page"' in client.get(SESSIONS).content.decode()


def test_devices_and_addresses_are_summarised():
    assert device_summary(ANDROID_FIREFOX) == "Firefox sur Android"
    assert device_summary(WINDOWS_EDGE) == "Edge sur Windows"
    assert device_summary("curl/8.0") == "Navigateur non reconnu"
    assert truncated_address("203.0.113.200") == "203.0.113.0/24"
    assert truncated_address("unknown") == ""


def test_the_nightly_purge_forgets_the_sessions_that_are_over_and_keeps_the_others(nadia, settings):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from relais.retention.services import purge_personal_data

    settings.RELAIS_SESSION_IDLE_MINUTES = 60
    office, phone = _signed_in(nadia, WINDOWS_EDGE), _signed_in(nadia)
    UserSession.objects.filter(session_key=phone.session.session_key).update(
        last_activity_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    Session.objects.filter(session_key=phone.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    purge_personal_data()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [office.session.session_key]
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert office.get(SESSIONS).status_code == 200
