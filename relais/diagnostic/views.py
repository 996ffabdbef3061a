"""The diagnostic's pages: public (no account), one question per page, plain forms that work without JavaScript.

Abuse protection: CSRF on every form, sessions started per address and hour counted in the host's cache
(`relais.core.cache`, RELAIS_DIAGNOSTIC_SESSIONS_PER_HOUR), a session answerable only from the browser that
started it (its id kept in the Django session), and at most `cat.Settings.max_items` answers per session.
"""

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from relais.agents.models import Agent
from relais.core.cache import Limit, client_address, over_limit
from relais.diagnostic import services
from relais.diagnostic.forms import AnswerForm, AttachForm, StartForm
from relais.diagnostic.models import Session
from relais.diagnostic.permissions import can_attach_result, can_run_with_agent
from relais.diagnostic.selectors import result_for_page
from relais.organisation.models import Site

OWNED_KEY = "relais_diagnostic_sessions"
KEEP_OWNED = 10


def _site_from(value) -> Site | None:
    if not value:
        return None
    try:
        return Site.objects.select_related("direction").filter(public_id=value, is_active=True).first()
    except (ValueError, ValidationError):
        return None


def _owned_session(request, public_id) -> Session:
    if str(public_id) not in request.session.get(OWNED_KEY, []):
        raise Http404
    return get_object_or_404(Session.objects.select_related("pending_item", "site"), public_id=public_id)


def _limited(request) -> bool:
    return over_limit(
        Limit(f"diagnostic:ip:{client_address(request)}", settings.RELAIS_DIAGNOSTIC_SESSIONS_PER_HOUR, 60 * 60)
    )


@login_not_required
@never_cache
def start(request):
    site = _site_from(request.GET.get("site") or request.POST.get("site"))
    form = StartForm(request.POST if request.method == "POST" else None, site=site)
    if request.method == "POST" and form.is_valid():
        if _limited(request):
            return render(request, "diagnostic/limited.html", status=429)
        session = services.session_start(
            acting_user=request.user, site=site, direction=None if site else form.cleaned_data["direction"]
        )
        owned = [str(session.public_id), *request.session.get(OWNED_KEY, [])][:KEEP_OWNED]
        request.session[OWNED_KEY] = owned
        return redirect("diagnostic:question", session.public_id)
    return render(
        request,
        "diagnostic/start.html",
        {
            "form": form,
            "site": site,
            "with_agent": can_run_with_agent(request.user),
            "max": services.SETTINGS.max_items,
        },
    )


@login_not_required
@never_cache
def question(request, public_id):
    session = _owned_session(request, public_id)
    if session.finished_at is not None or session.pending_item is None:
        return redirect("diagnostic:result", session.public_id)
    item = session.pending_item
    choices = list(item.choices.all())
    form = AnswerForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        services.session_answer(session=session, item_id=item.pk, choice_id=form.choice_id())
        return redirect("diagnostic:question", session.public_id)
    number = session.items_count + 1
    context = {
        "session": session,
        "item": item,
        "form": form,
        "number": number,
        "max": services.SETTINGS.max_items,
    }
    return render(request, "diagnostic/question.html", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
def result(request, public_id):
    session = _owned_session(request, public_id)
    if session.finished_at is None:
        return redirect("diagnostic:question", session.public_id)
    attach = can_attach_result(request.user, session)
    form = AttachForm(request.POST if request.method == "POST" else None) if attach else None
    if request.method == "POST":
        if not attach:
            raise PermissionDenied
        if form.is_valid():
            agent = Agent.objects.visible_to(request.user).filter(matricule__iexact=form.cleaned_data["matricule"])
            agent = agent.first()
            if agent is None:
                form.add_error("matricule", "Matricule : aucun agent ne porte ce matricule.")
            else:
                services.session_attach_agent(
                    acting_user=request.user, session=session, agent=agent, agreed=form.cleaned_data["agreed"]
                )
                return redirect("diagnostic:result", session.public_id)
    context = {"session": session, "rows": result_for_page(session), "attach_form": form}
    return render(request, "diagnostic/result.html", context)


def site_link(request, public_id):
    """For the team: a site's own link and its QR code, to print or show on a phone."""
    if not can_run_with_agent(request.user):
        raise PermissionDenied
    site = get_object_or_404(Site.objects.visible_to(request.user), public_id=public_id)
    url = settings.RELAIS_BASE_URL.rstrip("/") + reverse("diagnostic:start") + f"?site={site.public_id}"
    qr = segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return render(request, "diagnostic/site_link.html", {"site": site, "url": url, "qr": qr})
