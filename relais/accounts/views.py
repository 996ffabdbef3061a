import hashlib
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.forms import PasswordResetForm
from relais.accounts.models import UserSession
from relais.accounts.oidc import provider_logout_url
from relais.accounts.sections import sections
from relais.accounts.selectors import own_sessions
from relais.accounts.services import (
    LastFactorError,
    passkey_enrol_finish,
    passkey_remove,
    password_reset_request,
    recovery_codes_regenerate,
    totp_device_pending,
    two_factor_enrol,
    user_password_reset,
    user_session_end,
    user_sessions_end_others,
)
from relais.accounts.two_factor import mark_enrolled, role_requires_second_factor
from relais.core.cache import Limit, client_address, over_limit
from relais.journal.services import journal_record


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Login; a logged-in user coming back to it is sent home rather than shown the form again.

    Offers single sign-on when configured, the local password form unless RELAIS_LOCAL_LOGIN is off.
    """

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": settings.RELAIS_SSO_ENABLED,
            "sso_label": settings.RELAIS_SSO_LABEL,
            "local_login": settings.RELAIS_LOCAL_LOGIN,
            "demo_usernames": settings.RELAIS_DEMO_USERNAMES if settings.RELAIS_DEMO else [],
        }

    def post(self, request, *args, **kwargs):
        if not settings.RELAIS_LOCAL_LOGIN:
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Logout (POST only, as Django requires), then back to the login page, or to the provider's logout."""

    def post(self, request, *args, **kwargs):
        target = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        messages.success(request, "Vous êtes déconnecté de Relais.")
        if target != resolve_url(settings.LOGOUT_REDIRECT_URL):
            return redirect(target)
        return response


class CodeForm(forms.Form):
    """The code field; rendered by accounts/_code_field.html (label, help and error tied by aria)."""

    code = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        error_messages={"required": "Saisissez le code."},
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").lower()


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, request) -> str:
    return f"{resolve_url(url_name)}?{urlencode({'next': _next_url(request)})}"


def _qr_svg(url: str) -> str:
    # Inline SVG, no <style> and no style attribute: the Content Security Policy allows no inline styles.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff"))  # noqa: S308


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TwoFactorSetupView(View):
    """Enrol an authenticator app (QR code or key typed by hand), confirmed by its first code.

    Replacing an enrolled authenticator needs a session that already gave a code: someone holding only the
    password must not swap the authenticator for their own.
    """

    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if user_has_device(request.user) and not request.user.is_verified():
            return redirect(_with_next("accounts:two_factor_verify", request))
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, status=200):
        enrolled = user_has_device(request.user)
        replacing = request.GET.get("remplacer") == "1" or request.method == "POST"
        context = {
            "form": form,
            "next": _next_url(request),
            "enrolled": enrolled,
            "required": role_requires_second_factor(request.user),
            "show_enrolment": not enrolled or replacing,
        }
        if context["show_enrolment"]:
            device = totp_device_pending(user=request.user)
            context["qr_svg"] = _qr_svg(device.config_url)
            context["secret"] = _grouped(b32encode(device.bin_key).decode())
        if enrolled:
            static = StaticDevice.objects.filter(user=request.user).first()
            context["recovery_left"] = static.token_set.count() if static else 0
            context["has_app"] = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            context["passkeys"] = WebAuthnCredential.objects.filter(user=request.user).order_by("created_at")
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        device = totp_device_pending(user=request.user)
        if form.is_valid():
            with transaction.atomic():
                if device.verify_token(form.cleaned_data["code"]):
                    codes = two_factor_enrol(user=request.user, device=device)
                    otp_login(request, device)
                    mark_enrolled(request)
                    context = {"codes": codes, "next": _next_url(request), "first_time": True}
                    return render(request, "accounts/recovery_codes.html", context)
            form.add_error(
                "code",
                "Ce code ne correspond pas. Vérifiez l'heure du téléphone et saisissez le code affiché maintenant.",
            )
        return self._render(request, form, status=422)


class TwoFactorVerifyView(View):
    """Give the code of the authenticator, or one recovery code, after the password or the provider's sign-in."""

    template_name = "accounts/two_factor_verify.html"

    def get(self, request):
        if not user_has_device(request.user):
            return redirect(_with_next("accounts:two_factor_setup", request))
        return render(request, self.template_name, self._context(request, CodeForm()))

    def _context(self, request, form) -> dict:
        user = request.user
        return {
            "form": form,
            "next": _next_url(request),
            "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        }

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            # Six digits are the app's code, anything else a recovery code: each tried on its own device only,
            # so that a mistyped recovery code does not throttle the app (django-otp throttles per device).
            kind = TOTPDevice if code.isdigit() and len(code) <= 8 else StaticDevice
            devices = [d for d in devices_for_user(request.user) if isinstance(d, kind)]
            throttled = False
            for device in devices:
                if not device.verify_is_allowed()[0]:
                    throttled = True
                    continue
                verified = otp_verify_token(request.user, device.persistent_id, code)
                if verified is not None:
                    return self._verified(request, verified)
            if throttled:
                form.add_error("code", "Trop d'essais : attendez une minute avant de saisir un nouveau code.")
            else:
                form.add_error(
                    "code", "Ce code ne correspond pas. Saisissez le code affiché maintenant, ou un code de secours."
                )
        return render(request, self.template_name, self._context(request, form), status=422)

    def _verified(self, request, device):
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            with transaction.atomic():
                journal_record(
                    acting_user=request.user,
                    action="accounts.recovery_code_use",
                    obj=request.user,
                    payload={"codes_restants": left},
                )
            messages.warning(
                request,
                f"Vous avez utilisé un code de secours : il vous en reste {left}. "
                "Si vous avez perdu votre téléphone, enregistrez une nouvelle application dans "
                "« Double authentification ».",
            )
        return redirect(_next_url(request))


class RecoveryCodesView(View):
    """New recovery codes (POST), shown once; the old ones stop working."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.is_verified():
            return redirect("accounts:two_factor_setup")
        codes = recovery_codes_regenerate(user=request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


# --- Password reset by e-mail (local accounts, while local login is on) ------------------------------------------


class LocalLoginOnly:
    """The reset pages exist only while local passwords are accepted (RELAIS_LOCAL_LOGIN)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.RELAIS_LOCAL_LOGIN:
            raise Http404("Pas de mot de passe local")
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(LocalLoginOnly, auth_views.PasswordResetView):
    """Ask for a link by e-mail. The answer is the same whether an account has that address or not; requests are
    counted per address asked for and per client address (relais.core.cache), so the form sends no flood of mail.
    """

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        if over_limit(
            Limit(f"password-reset:email:{digest}", settings.RELAIS_PASSWORD_RESET_PER_EMAIL, 60 * 60),
            Limit(
                f"password-reset:ip:{client_address(self.request)}", settings.RELAIS_PASSWORD_RESET_PER_ADDRESS, 60 * 60
            ),
        ):
            form.add_error("email", "Trop de demandes de nouveau mot de passe en une heure : réessayez dans une heure.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        password_reset_request(users=list(form.get_users(email)))
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(LocalLoginOnly, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(LocalLoginOnly, auth_views.PasswordResetConfirmView):
    """Choose the new password from the e-mailed link. Signs nobody in (`post_reset_login` stays off): the person
    signs in with the new password and, if they have one, gives their second factor as usual.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    reset_url_token = "choisir"

    def form_valid(self, form):
        user_password_reset(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(LocalLoginOnly, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- « Mes sessions et jetons » ------------------------------------------------------------------------------------


class SessionsView(View):
    """The signed-in user's open sessions (this one marked) and what other areas add (their API tokens)."""

    template_name = "accounts/sessions.html"

    def get(self, request):
        rows = own_sessions(user=request.user, current_key=request.session.session_key)
        parts = [{"template": s.template, **s.context(request)} for s in sections()]
        context = {
            "rows": rows,
            "others": sum(1 for r in rows if not r.current),
            "sections": parts,
            "idle_minutes": settings.RELAIS_SESSION_IDLE_MINUTES,
        }
        return render(request, self.template_name, context)


class SessionEndView(View):
    http_method_names = ["post"]

    def post(self, request, public_id):
        session = get_object_or_404(UserSession.objects.filter(user=request.user), public_id=public_id)
        if session.session_key == request.session.session_key:
            messages.info(request, "Pour fermer la session de cet appareil, utilisez « Se déconnecter ».")
            return redirect("accounts:sessions")
        user_session_end(acting_user=request.user, session=session)
        messages.success(request, "La session est fermée : cet appareil devra se reconnecter.")
        return redirect("accounts:sessions")


class SessionsEndOthersView(View):
    http_method_names = ["post"]

    def post(self, request):
        ended = user_sessions_end_others(acting_user=request.user, current_key=request.session.session_key or "")
        if ended:
            plural = "s" if ended > 1 else ""
            messages.success(request, f"{ended} autre{plural} session{plural} fermée{plural}.")
        else:
            messages.info(request, "Aucune autre session n'était ouverte.")
        return redirect("accounts:sessions")


class PasskeyDoneView(View):
    """Where the page goes once the browser has registered a passkey: recovery codes the first time, shown once."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.is_verified():
            return redirect("accounts:two_factor_setup")
        codes = passkey_enrol_finish(user=request.user)
        if codes:
            context = {"codes": codes, "next": _next_url(request), "first_time": True}
            return render(request, "accounts/recovery_codes.html", context)
        messages.success(request, "Clé d'accès enregistrée : Relais vous la demandera à la prochaine connexion.")
        return redirect("accounts:two_factor_setup")


class PasskeyRemoveView(View):
    """Remove one of one's passkeys (a lost or replaced device), from a session that gave its second factor."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not request.user.is_verified():
            return redirect("accounts:two_factor_setup")
        try:
            passkey_remove(user=request.user, credential_id=pk)
        except WebAuthnCredential.DoesNotExist:
            messages.error(request, "Cette clé d'accès n'existe plus.")
        except LastFactorError:
            messages.error(
                request,
                "C'est votre seul second facteur : enregistrez d'abord une application ou une autre clé d'accès.",
            )
        else:
            messages.success(request, "Clé d'accès retirée.")
        return redirect("accounts:two_factor_setup")
