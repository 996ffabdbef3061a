"""Signed-in sessions: each one recorded per user (to list and end them), ended after inactivity or at their age.

- `UserSession` rows are written when Django signs someone in (its `user_logged_in` signal: the one hook every
  backend goes through — password, single sign-on, the test client) and removed at logout;
- `SessionActivityMiddleware` keeps the time of the last request in the session (written once a minute at
  most: a write per request would cost every page a database write) and signs out a session idle for longer
  than RELAIS_SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE (the absolute maximum: the cookie's own
  expiry moves forward at every write, so it cannot be the limit);
- `LoginRequiredMiddleware` answers a request that needs a sign-in in the form its caller understands: the
  login page for a page, an `HX-Redirect` for htmx, and 401 for the field-work outbox, which then keeps its
  entries on the phone until the person has signed in again (relais/fieldwork/static/fieldwork/outbox.js).
"""

import datetime
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from relais.accounts.models import UserSession
from relais.accounts.services import user_session_seen, user_session_start
from relais.core.cache import client_address

STARTED_KEY = "relais_session_started"
ACTIVITY_KEY = "relais_last_activity"
WRITE_EVERY = 60  # seconds: how stale the recorded last activity may be
OUTBOX_HEADER = "X-Relais-Outbox"


def _login_url(request, next_path: str | None) -> str:
    url = resolve_url(settings.LOGIN_URL)
    if next_path and url_has_allowed_host_and_scheme(next_path, allowed_hosts={request.get_host()}):
        return f"{url}?{urlencode({'next': next_path})}"
    return url


def sign_in_again(request, target: str | None = None):
    """The answer to a request that must (again) sign in or give a code, for callers that are not a page.

    The outbox gets 401 and keeps its entries; htmx gets `HX-Redirect` (a redirect would be followed by the
    XHR and the login page swapped into a fragment); anything else None (the caller redirects as usual).
    """
    if request.headers.get(OUTBOX_HEADER):
        response = HttpResponse(
            "Session terminée : reconnectez-vous pour envoyer les saisies gardées sur ce téléphone.",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Session realm="Relais"'
        return response
    htmx = getattr(request, "htmx", None)
    if htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target or _login_url(request, htmx.current_url_abs_path)
        return response
    return None


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's deny-by-default, answering the outbox and htmx in their own terms (see `sign_in_again`)."""

    def handle_no_permission(self, request, view_func):
        return sign_in_again(request) or super().handle_no_permission(request, view_func)


def _minutes(n: int) -> str:
    return f"{n} minute" if n == 1 else f"{n} minutes"


def _hours(seconds: int) -> str:
    hours = seconds // 3600
    return f"{hours} heure" if hours == 1 else f"{hours} heures"


class SessionActivityMiddleware:
    """Signs out an idle or too old session, with a French message on the login page; records activity.

    After AuthenticationMiddleware and MessageMiddleware; it acts before any view is resolved, so an expired
    session is anonymous for every later middleware (the second factor, the login requirement).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        now = time.time()
        started = session.get(STARTED_KEY)
        last = session.get(ACTIVITY_KEY)
        idle_minutes = settings.RELAIS_SESSION_IDLE_MINUTES
        if idle_minutes and last is not None and now - last > idle_minutes * 60:
            self._expire(request, f"Votre session a expiré après {_minutes(idle_minutes)} sans activité.")
            return
        if started is not None and now - started > settings.SESSION_COOKIE_AGE:
            self._expire(
                request,
                f"Votre session a atteint sa durée maximale de {_hours(settings.SESSION_COOKIE_AGE)}.",
            )
            return
        if last is None or now - last >= WRITE_EVERY:
            if started is None:  # a session opened before sessions were recorded
                session[STARTED_KEY] = started = now
            session[ACTIVITY_KEY] = now
            if session.session_key:
                user_session_seen(
                    user=request.user,
                    session_key=session.session_key,
                    started_at=datetime.datetime.fromtimestamp(started, tz=datetime.UTC),
                    user_agent=request.headers.get("User-Agent", ""),
                    address=client_address(request),
                )

    def _expire(self, request, why: str) -> None:
        logout(request)
        messages.info(request, f"{why} Reconnectez-vous pour continuer.")


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    now = time.time()
    session[STARTED_KEY] = session[ACTIVITY_KEY] = now
    if not session.session_key:
        session.save()
    user_session_start(
        user=user,
        session_key=session.session_key,
        user_agent=request.headers.get("User-Agent", ""),
        address=client_address(request),
    )


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()
