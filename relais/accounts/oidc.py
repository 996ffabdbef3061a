"""Single sign-on with the employer's OpenID Connect provider, on mozilla-django-oidc.

The library runs the authorization code flow with PKCE, state and nonce, and checks the ID token's signature,
expiry and nonce. Relais adds what it leaves out or leaves to the site: the token's issuer and audience, the
person matched by the provider's stable `sub`, the role and directions read from configurable claims, and a
French page instead of an account for a person the claims give no role.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.accounts.services import user_link_to_sso, user_sync_from_sso
from relais.accounts.two_factor import SSO_BACKEND, SSO_MFA_SESSION_KEY, sso_mfa_suffices

logger = logging.getLogger(__name__)

# Why a sign-in that the provider accepted is refused here; the refusal page explains each in French.
NO_ROLE = "no_role"
USERNAME_TAKEN = "username_taken"


def claim_value(claims: dict, name: str):
    """The claim `name`, or, when absent, the nested value its dotted path names (Keycloak's `realm_access.roles`)."""
    if name in claims:
        return claims[name]
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def role_map() -> dict[str, str]:
    mapping = {value: value for value in Role.values}
    for given, role in settings.RELAIS_OIDC_ROLE_MAP.items():
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"RELAIS_OIDC_ROLE_MAP : « {role} » n'est pas un rôle de Relais ({Role.values})."
            )
        mapping[given] = role
    return mapping


def role_from_claims(claims: dict) -> str:
    """The Relais role the claims give: the first of Role's order among the mapped values, or "" for none."""
    mapping = role_map()
    found = {mapping[v] for v in _as_list(claim_value(claims, settings.RELAIS_OIDC_ROLE_CLAIM)) if v in mapping}
    return next((role for role in Role.values if role in found), "")


def direction_codes_from_claims(claims: dict) -> list[str]:
    return sorted({code.upper() for code in _as_list(claim_value(claims, settings.RELAIS_OIDC_DIRECTIONS_CLAIM))})


class Backend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching people by `sub` and provisioning them from their claims."""

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library verifies the signature, the expiry and the nonce, not who issued the token nor for whom.
        if str(payload.get("iss", "")).rstrip("/") != settings.RELAIS_OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        audiences = _as_list(payload.get("aud"))
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token meant for another client")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another client")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        self.request.relais_oidc_amr = payload.get("amr")
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo for another subject than the ID token's")
        return {**payload, **userinfo}

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def _refuse(self, reason: str):
        self.request.relais_sso_refusal = reason
        logger.info("Single sign-on refused: %s", reason)
        return None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        subject = str(claims["sub"])
        username = str(
            claim_value(claims, settings.RELAIS_OIDC_USERNAME_CLAIM) or claims.get("email") or subject
        ).strip()[:150]
        role = role_from_claims(claims)
        user = User.objects.filter(oidc_subject=subject).first()
        if user is None:
            clash = User.objects.filter(username=username).first()
            if clash is not None:
                if not (settings.RELAIS_OIDC_LINK_LOCAL_ACCOUNTS and not clash.oidc_subject):
                    return self._refuse(USERNAME_TAKEN)
                user = user_link_to_sso(user=clash, subject=subject)
        elif User.objects.filter(username=username).exclude(pk=user.pk).exists():
            username = user.username  # renamed at the provider onto someone else's username: keep the old one
        if not role and user is None:
            return self._refuse(NO_ROLE)  # no account for a person the provider gives no role
        user = user_sync_from_sso(
            user=user,
            subject=subject,
            username=username,
            role=role,
            direction_codes=direction_codes_from_claims(claims),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            email=str(claims.get("email") or ""),
        )
        if not role:
            return self._refuse(NO_ROLE)  # role withdrawn at the provider: withdrawn here, and no sign-in
        return user


def _sso_enabled_or_404():
    if not settings.RELAIS_SSO_ENABLED:
        raise Http404("L'authentification unique n'est pas configurée.")


@method_decorator(login_not_required, name="dispatch")
class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE challenge kept in the session."""

    def get(self, request):
        _sso_enabled_or_404()
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: exchanges the code, signs the person in, or explains why not in French."""

    def get(self, request):
        _sso_enabled_or_404()
        try:
            return super().get(request)
        except requests.RequestException:
            logger.exception("OpenID Connect provider unreachable or refusing the code")
        except SuspiciousOperation as error:
            # A forged or replayed state, a token signed by another key, for another client or issuer.
            logger.warning("Single sign-on callback refused: %s", error)
        return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, "relais_sso_refusal", None)
        if reason is not None:
            context = {"reason": reason, "contact": settings.RELAIS_ACCESS_CONTACT}
            return render(self.request, "accounts/sso_refused.html", context, status=403)
        messages.error(
            self.request,
            "La connexion par le compte de la collectivité n'a pas abouti. Réessayez ; si cela se reproduit, "
            "prévenez l'administrateur de Relais.",
        )
        return redirect("accounts:login")

    def login_success(self):
        response = super().login_success()
        amr = getattr(self.request, "relais_oidc_amr", None)
        self.request.session[SSO_MFA_SESSION_KEY] = sso_mfa_suffices(settings.RELAIS_SSO_MFA, amr)
        return response


def provider_logout_url(request) -> str:
    """Where to send the browser after Relais's logout: the provider's end-session endpoint for an SSO session."""
    login = reverse(settings.LOGOUT_REDIRECT_URL)
    endpoint = settings.RELAIS_OIDC_END_SESSION_ENDPOINT
    if not endpoint or request.session.get(BACKEND_SESSION_KEY) != SSO_BACKEND:
        return login
    params = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": request.build_absolute_uri(login)}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
