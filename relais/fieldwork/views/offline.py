"""Offline support of the phone screens: the service worker script, and the mark of pages it may keep.

The worker (static/fieldwork/sw.js) is served under /terrain/ so that its scope covers the field-work
pages only. It keeps a page only when the response carries `X-Relais-Offline`: a key derived from the
session, so that the copies kept on a phone never outlive the session nor pass to another person.
"""

from functools import cache, wraps
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET

WORKER = Path(__file__).resolve().parent.parent / "static" / "fieldwork" / "sw.js"
HEADER = "X-Relais-Offline"


@cache
def _worker_source() -> bytes:
    return WORKER.read_bytes()


@login_not_required  # holds no data; a browser checks for a new version even once the session is over
@require_GET
def service_worker(request):
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response


def offline_key(request) -> str:
    """An opaque key naming this session (never the session id itself)."""
    session_key = request.session.session_key or ""
    return salted_hmac("relais.fieldwork.offline", f"{request.user.pk}:{session_key}").hexdigest()[:32]


def offline_page(view):
    """Mark a successful page as one the service worker may keep for offline use (by this session)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and request.user.is_authenticated:
            response[HEADER] = offline_key(request)
        return response

    return wrapped
