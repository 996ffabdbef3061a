"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn: a passkey is a django-otp device like the
authenticator app, so relais.accounts.two_factor decides who owes one and whether a session has given it.

Only as a second factor, after the password or the provider's sign-in: passwordless sign-in would bypass the
lock-out and the switch that turns local passwords off. The relying party is the host the user reached (Django's
ALLOWED_HOSTS validates it) unless RELAIS_WEBAUTHN_RP_ID says otherwise; the allowed origin likewise.
"""

import json

from django.conf import settings
from django.db import transaction
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.two_factor import mark_enrolled
from relais.journal.services import journal_record


def relying_party_id(request) -> str:
    """The passkeys' domain: the setting, or the host this request came to, without its port."""
    if settings.RELAIS_WEBAUTHN_RP_ID:
        return settings.RELAIS_WEBAUTHN_RP_ID
    host = request.get_host()
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


class Helper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        # Behind a TLS proxy, set RELAIS_WEBAUTHN_ORIGINS (or SECURE_PROXY_SSL_HEADER): the browser says https.
        return list(settings.RELAIS_WEBAUTHN_ORIGINS) or [self.request.build_absolute_uri("/").rstrip("/")]


class RegistrationCompleteView(webauthn_views.CompleteCredentialRegistrationView):
    """The library's registration, journaled, and remembered in the session as an enrolment."""

    def post(self, *args, **kwargs):
        # A refused credential raises (the library's dispatch answers it in JSON) and nothing is kept.
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            credential = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
            journal_record(
                acting_user=self.request.user,
                action="accounts.passkey_add",
                obj=self.request.user,
                payload={"cle": credential.name},
            )
        mark_enrolled(self.request)
        return response


# Mounted under the library's namespace, which its template tags reverse. Its JavaScript messages come in French
# from relais/accounts/locale (djangojs), the library shipping no French.
urlpatterns = (
    [
        path(
            "enregistrement/debut/",
            webauthn_views.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path("enregistrement/fin/", RegistrationCompleteView.as_view(), name="credential-registration-complete"),
        path(
            "verification/debut/",
            webauthn_views.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "verification/fin/",
            webauthn_views.CompleteCredentialAuthenticationView.as_view(),
            name="credential-authentication-complete",
        ),
        path(
            "jsi18n/",
            JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "relais.accounts"]),
            name="js-i18n-catalog",
        ),
    ],
    "otp_webauthn",
)

# The library's views a user who still owes a second factor must reach (relais.accounts.middleware).
OPEN_BEFORE_SECOND_FACTOR = frozenset(f"otp_webauthn:{pattern.name}" for pattern in urlpatterns[0])
