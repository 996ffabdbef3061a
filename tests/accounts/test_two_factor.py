import re

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.enums import Role
from relais.accounts.services import two_factor_reset
from relais.accounts.two_factor import SSO_BACKEND, SSO_MFA_SESSION_KEY, sso_mfa_suffices
from relais.journal.models import Entry
from tests.accounts.helpers import force_verified_login, totp_now
from tests.factories import UserFactory

HOME = reverse("insights:home")
LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
PASSWORD = "motdepasse-de-test"

pytestmark = pytest.mark.django_db


def _log_in(client, username):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _forget_wrong_codes(user):
    """django-otp makes the next try wait (1 s, 2 s, 4 s…) after a wrong code; tests do not wait."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _enrol(client, user) -> list[str]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": totp_now(device), "next": HOME})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]{10})</code></li>", response.content.decode())


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_administrators_and_coordinators_must_enrol_before_any_page(client, no_demo, role):
    UserFactory(username="chef", role=role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    _log_in(client, "chef")
    response = client.get(reverse("agents:agent_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fagents%2F"


def test_the_django_admin_requires_the_second_factor(client, no_demo):
    UserFactory(username="superviseur", role="", is_staff=True, is_superuser=True)
    _log_in(client, "superviseur")
    assert client.get(reverse("admin:index"))["Location"].startswith(SETUP)


def test_enrolment_shows_an_inline_qr_code_and_the_key_then_confirms_with_a_code(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    _log_in(client, "chef")
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img" aria-label="QR code à scanner' in html
    device = TOTPDevice.objects.get(user=chef, confirmed=False)
    # The same secret on a reload: a user who scanned it and reloads must not have to scan again.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=chef).count() == 1
    assert re.search(r'<code id="totp-secret">[A-Z2-7 ]{32,}</code>', html)

    wrong = client.post(SETUP, {"code": "000000" if totp_now(device) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "Ce code ne correspond pas" in wrong.content.decode()
    assert 'aria-invalid="true"' in wrong.content.decode()
    assert client.get(HOME).status_code == 302

    _forget_wrong_codes(chef)
    codes = _enrol(client, chef)
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert Entry.objects.filter(action="accounts.two_factor_enrol", object_id=str(chef.pk)).count() == 1


def test_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    _log_in(client, "chef")
    codes = _enrol(client, chef)
    client.post(reverse("accounts:logout"))

    _log_in(client, "chef")
    assert client.get(HOME)["Location"] == f"{VERIFY}?next=%2F"
    # Replacing the authenticator is refused to a session that has not given a code.
    assert client.get(f"{SETUP}?remplacer=1")["Location"].startswith(VERIFY)
    bad = client.post(VERIFY, {"code": "12345"})
    assert bad.status_code == 422 and "Ce code ne correspond pas" in bad.content.decode()

    response = client.post(VERIFY, {"code": codes[0].upper(), "next": HOME}, follow=True)
    assert response.status_code == 200
    assert "il vous en reste 9" in response.content.decode()
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert Entry.objects.filter(action="accounts.recovery_code_use", object_id=str(chef.pk)).exists()

    client.post(reverse("accounts:logout"))
    _log_in(client, "chef")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 422
    device = TOTPDevice.objects.get(user=chef)
    _forget_wrong_codes(chef)
    assert client.post(VERIFY, {"code": totp_now(device, steps_ahead=1), "next": HOME})["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    _log_in(client, "chef")
    old = _enrol(client, chef)
    response = client.post(reverse("accounts:recovery_codes"))
    new = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=chef).values_list("token", flat=True)) == set(new)


def test_mediators_are_not_asked_unless_they_chose_to_enrol(client, no_demo):
    mediator = UserFactory(username="nadia", role=Role.MEDIATOR)
    _log_in(client, "nadia")
    assert client.get(HOME).status_code == 200
    assert "Vous pouvez protéger votre compte" in client.get(SETUP).content.decode()
    _enrol(client, mediator)
    client.post(reverse("accounts:logout"))
    _log_in(client, "nadia")
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_demo_accounts_are_exempt_in_demo_mode_only(client, settings):
    UserFactory(username="coordination", role=Role.COORDINATOR)
    UserFactory(username="chef", role=Role.COORDINATOR)
    settings.RELAIS_DEMO = True
    login_page = client.get(LOGIN).content.decode()
    assert "Mode démonstration" in login_page and "sans double authentification" in login_page
    _log_in(client, "coordination")
    assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:logout"))
    _log_in(client, "chef")
    assert client.get(HOME)["Location"].startswith(SETUP)
    client.post(reverse("accounts:logout"))

    settings.RELAIS_DEMO = False
    assert "Mode démonstration" not in client.get(LOGIN).content.decode()
    _log_in(client, "coordination")
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_demo_usernames_are_the_demo_accounts():
    from django.conf import settings

    from relais.demo.services import DEMO_ACCOUNTS

    assert [username for username, *_ in DEMO_ACCOUNTS] == settings.RELAIS_DEMO_USERNAMES


def test_an_htmx_request_is_told_where_to_go(client, no_demo):
    UserFactory(username="chef", role=Role.COORDINATOR)
    _log_in(client, "chef")
    response = client.get(reverse("agents:agent_list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(SETUP)


@pytest.mark.parametrize(
    ("policy", "amr", "exempt"),
    [("provider", None, True), ("amr", ["pwd"], False), ("amr", ["pwd", "mfa"], True), ("relais", ["mfa"], False)],
)
def test_a_single_sign_on_session_relies_on_the_provider_as_configured(client, no_demo, settings, policy, amr, exempt):
    assert sso_mfa_suffices(policy, amr) is exempt
    chef = UserFactory(username="chef", role=Role.COORDINATOR, oidc_subject="sub-1")
    client.force_login(chef)
    session = client.session
    session[BACKEND_SESSION_KEY] = SSO_BACKEND
    session[SSO_MFA_SESSION_KEY] = sso_mfa_suffices(policy, amr)
    session.save()
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, SSO_BACKEND]
    assert (client.get(HOME).status_code == 200) is exempt


def test_an_administrator_resets_a_lost_authenticator(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    admin = UserFactory(username="root", role=Role.ADMIN, is_superuser=True, is_staff=True)
    force_verified_login(client, chef)
    two_factor_reset(user=chef, acting_user=admin)
    assert client.get(HOME)["Location"].startswith(SETUP)
    assert Entry.objects.get(action="accounts.two_factor_reset").acting_user_id == admin.pk


def test_the_test_helper_gives_a_verified_session(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    client.force_login(chef)
    assert client.get(HOME)["Location"].startswith(SETUP)
    force_verified_login(client, chef)
    assert client.get(HOME).status_code == 200


def test_the_reset_is_an_admin_action_for_a_verified_administrator(client, no_demo):
    chef = UserFactory(username="chef", role=Role.COORDINATOR)
    TOTPDevice.objects.create(user=chef, name="téléphone", confirmed=True)
    admin = UserFactory(username="root", role=Role.ADMIN, is_superuser=True, is_staff=True)
    force_verified_login(client, admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [chef.pk]},
        follow=True,
    )
    assert "Double authentification réinitialisée pour 1 compte" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=chef).exists()
