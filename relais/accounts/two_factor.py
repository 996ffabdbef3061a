"""Who owes a second factor, and whether this session has given it. The one place that decides.

Rules:
- administrators and coordinators (RELAIS_2FA_ROLES), superusers and staff (who reach the Django admin) owe
  one; so does anyone who chose to enrol an authenticator;
- in demo mode only, the demo's accounts sign in with their password alone (`make run` stays one command);
- a single sign-on session relies on the provider's second factor as RELAIS_SSO_MFA says ("provider":
  always, "amr": when the ID token says one was used, "relais": never);
- a session has given it once django-otp marks the user verified (a TOTP or recovery code on this session).
"""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY

# Session keys. The first is written when a single sign-on succeeds; the second caches, per session, whether a
# user who does not owe a second factor has nevertheless enrolled one (one query per session, not per page).
SSO_MFA_SESSION_KEY = "relais_sso_mfa"
ENROLLED_SESSION_KEY = "relais_otp_enrolled"
SSO_BACKEND = "relais.accounts.oidc.Backend"


def is_demo_account(user) -> bool:
    return bool(settings.RELAIS_DEMO and user.username in settings.RELAIS_DEMO_USERNAMES)


def role_requires_second_factor(user) -> bool:
    """Whether the user's role (or admin access) makes a second factor compulsory, demo or not."""
    return bool(user.is_superuser or user.is_staff or user.role in settings.RELAIS_2FA_ROLES)


def sso_mfa_suffices(policy: str, amr) -> bool:
    """Whether a single sign-on whose ID token carried `amr` stands for Relais's second factor under `policy`."""
    if policy == "provider":
        return True
    if policy == "amr":
        values = [amr] if isinstance(amr, str) else list(amr or [])
        return any(value in settings.RELAIS_SSO_MFA_AMR for value in values)
    return False


def _has_enrolled(request) -> bool:
    from django_otp import user_has_device

    session = request.session
    if ENROLLED_SESSION_KEY not in session:
        session[ENROLLED_SESSION_KEY] = user_has_device(request.user)
    return session[ENROLLED_SESSION_KEY]


def second_factor_pending(request) -> bool:
    """Whether this request's user must still give a second factor before seeing anything but its pages."""
    user = request.user
    if not user.is_authenticated or is_demo_account(user):
        return False
    session = request.session
    if session.get(BACKEND_SESSION_KEY) == SSO_BACKEND and session.get(SSO_MFA_SESSION_KEY):
        return False
    if not (role_requires_second_factor(user) or _has_enrolled(request)):
        return False
    return not user.is_verified()


def mark_enrolled(request) -> None:
    request.session[ENROLLED_SESSION_KEY] = True
