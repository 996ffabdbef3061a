from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from relais.accounts import passkeys
from relais.accounts.sessions import sign_in_again
from relais.accounts.two_factor import second_factor_pending

# The pages a signed-in user who still owes a second factor may open.
OPEN_BEFORE_SECOND_FACTOR = passkeys.OPEN_BEFORE_SECOND_FACTOR | frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:logout",
        "accounts:login",
        "core:accessibility",
        "core:healthz",
    }
)


class SecondFactorMiddleware:
    """Sends a user who owes a second factor (relais.accounts.two_factor) to enrol or to give a code.

    After django-otp's OTPMiddleware, before LoginRequiredMiddleware: it acts at `process_view`, once the URL
    is resolved, so the two-factor pages and logout stay reachable. Public pages (`login_not_required`) stay
    public. The Django admin is a page like any other here: its staff users always owe a second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if not second_factor_pending(request):
            return None
        target = "accounts:two_factor_verify" if user_has_device(request.user) else "accounts:two_factor_setup"
        url = (
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
            if request.method == "GET"
            else reverse(target)
        )
        # The field-work outbox gets 401 (it keeps its entries until the code is given), htmx an HX-Redirect.
        return sign_in_again(request, target=url) or redirect(url)
