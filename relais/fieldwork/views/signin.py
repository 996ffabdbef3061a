"""The workshop sign-in sheet: a QR code on the mediator's phone, a public page for agents, a PDF fallback.

The public page needs no account: its URL carries a signed, expiring token naming the activity
(`TimestampSigner`), so it cannot be guessed nor reused after the workshop. Agents sign in with their
matricule, or their name, first name and direction (the referential holds no birth date, and Relais
should not collect one only for this: see docs/fieldwork.md). Attempts are rate-limited per address and
per token; an agent not found is put on the sheet as "à vérifier" for the mediator to match.
"""

import io
from xml.sax.saxutils import escape

import segno
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from relais.agents.models import Agent
from relais.core.cache import (
    Limit,
    address_limit,
    client_address,
    form_token,
    form_token_limit,
    limit_reached,
    over_limit,
)
from relais.core.context_processors import current_helpline
from relais.core.text import fold
from relais.fieldwork import permissions, selectors, services
from relais.fieldwork.enums import ActivityKind, SignInMethod, VisitStatus
from relais.fieldwork.forms import PublicSignInForm
from relais.fieldwork.models import Activity
from relais.fieldwork.templatetags.fieldwork import hidden_label

SIGNER_SALT = "relais.fieldwork.signin"
TOKEN_MAX_AGE = 6 * 60 * 60  # a workshop's day: the link dies well before the next one


# A sheet takes as many sign-ins as its site could send (its agents in post, at least a room's worth) plus a
# margin for typos and retries; a loaded form, a phone's own retries; the address, only a ceiling that a site's
# shared Wi-Fi stays under (RELAIS_PUBLIC_ADDRESS_RATE). See relais.core.cache.
MIN_SHEET_CAPACITY = 40
SHEET_MARGIN = 1.5
FORM_POSTS, FORM_WINDOW = 10, 10 * 60  # posts of one loaded form, seconds
CODE_MISSES = (30, 10 * 60)  # wrong codes typed from one address, seconds


def signin_token(activity: Activity) -> str:
    return TimestampSigner(salt=SIGNER_SALT).sign(str(activity.public_id))


def _activity_from_token(token: str) -> Activity:
    try:
        public_id = TimestampSigner(salt=SIGNER_SALT).unsign(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired as exc:
        raise Http404("Ce lien a expiré.") from exc
    except BadSignature as exc:
        raise Http404("Lien invalide.") from exc
    return get_object_or_404(
        Activity.objects.alive().select_related("visit__site").exclude(visit__status=VisitStatus.CANCELLED),
        public_id=public_id,
    )


def sheet_limit(activity: Activity) -> Limit:
    """Sign-in posts one sheet accepts during its token's life: its site's capacity plus a margin."""
    on_site = Agent.objects.in_post().filter(site_id=activity.visit.site_id).count()
    capacity = max(on_site, MIN_SHEET_CAPACITY)
    return Limit(f"fw-signin:activity:{activity.pk}", int(capacity * SHEET_MARGIN), TOKEN_MAX_AGE)


def _signin_url(request, activity: Activity) -> str:
    return request.build_absolute_uri(reverse("fieldwork:public_signin", args=[signin_token(activity)]))


def _editable_activity(request, public_id) -> Activity:
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("visit__site"), public_id=public_id
    )
    if not permissions.can_edit_visit(request.user, activity.visit):
        raise PermissionDenied
    return activity


@require_GET
def activity_signin(request, public_id):
    """The mediator's screen: the QR code to show, and the sheet filling live."""
    from relais.fieldwork.views.phone import _activity_context

    activity = _editable_activity(request, public_id)
    code = services.activity_signin_code(activity=activity)
    version = selectors.sheet_version(activity)  # before the rows: a line signed meanwhile shows at the next poll
    context = _activity_context(request, activity) | {
        "signin_url": _signin_url(request, activity),
        "signin_code": code,
        "code_page": request.build_absolute_uri(reverse("signin_code")),
        "version": version,
    }
    return render(request, "fieldwork/activity_signin.html", context)


@require_GET
def activity_qr(request, public_id):
    activity = _editable_activity(request, public_id)
    qr = segno.make(_signin_url(request, activity), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=2, title="QR code de la feuille d'émargement")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _find_agent(activity: Activity, data: dict) -> Agent | None:
    """The agent signing in, when exactly one matches; the site's agents are looked at first for a name."""
    if data["matricule"]:
        return Agent.objects.filter(matricule=data["matricule"].strip()).first()
    wanted = fold(f"{data['last_name']} {data['first_name']}")
    candidates = Agent.objects.in_post().filter(direction=data["direction"])
    last = fold(data["last_name"])
    if not last:
        return None
    matches = [
        a
        for a in candidates.filter(search_text__contains=last).only(
            "pk", "last_name", "usage_name", "first_name", "search_text", "direction_id", "site_id", "category"
        )[:50]
        if wanted in (fold(f"{a.usage_name or a.last_name} {a.first_name}"), fold(f"{a.last_name} {a.first_name}"))
    ]
    if len(matches) == 1:
        return matches[0]
    on_site = [a for a in matches if a.site_id == activity.visit.site_id]
    return on_site[0] if len(on_site) == 1 else None


def _keep_unknown_matricule(activity: Activity, data: dict) -> None:
    """An unknown matricule goes on the sheet "à vérifier", like an unknown name: the mediator checks it."""
    direction = data["direction"] or activity.visit.site.direction
    if direction is None:
        return  # nowhere to count it; the answer stays the same
    services.participant_add(
        activity=activity,
        acting_user=None,
        direction=direction,
        walk_in_label=f"Matricule {data['matricule'][:32]} (à vérifier)",
        signed_in_by=SignInMethod.SELF,
    )


def _public_page(request, activity, context, status=200):
    return render(request, "fieldwork/public_signin.html", {"activity": activity, **context}, status=status)


@login_not_required
@never_cache
@csrf_protect
def public_signin(request, token):
    """The agent's own phone: sign in on the workshop sheet, in plain French, without an account.

    Whatever was typed (a known matricule, an unknown one, a name), a valid form gets the same answer: the page
    must not tell whether a matricule exists. What is not found is kept "à vérifier" for the mediator.
    """
    activity = _activity_from_token(token)
    if activity.visit.status == VisitStatus.DONE:
        return _public_page(request, activity, {"closed": True}, status=410)
    form = PublicSignInForm(request.POST or None)
    if request.method == "POST":
        limits = (
            sheet_limit(activity),
            form_token_limit(
                request, request.POST.get("form_token"), "fw-signin", count=FORM_POSTS, window=FORM_WINDOW
            ),
            address_limit(request, "fw-signin"),
        )
        if over_limit(*limits):
            return _public_page(request, activity, {"limited": True}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            agent = _find_agent(activity, data)
            try:
                if agent is not None:
                    services.participant_add(
                        activity=activity, acting_user=None, agent=agent, signed_in_by=SignInMethod.SELF
                    )
                elif data["matricule"]:
                    _keep_unknown_matricule(activity, data)
                else:
                    services.participant_add(
                        activity=activity,
                        acting_user=None,
                        direction=data["direction"],
                        walk_in_label=f"{data['first_name']} {data['last_name']}".strip(),
                        signed_in_by=SignInMethod.SELF,
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _public_page(request, activity, {"done": True})
        return _public_page(request, activity, {"form": form, "form_token": form_token("fw-signin")}, status=422)
    return _public_page(request, activity, {"form": form, "form_token": form_token("fw-signin")})


@login_not_required
@never_cache
def signin_code(request, code: str = ""):
    """The short address for agents who cannot scan: /e/ asks for the sheet's code, /e/ABC234 opens its sheet.

    Only open sheets of the day answer; wrong codes are counted per address (guessing one is hopeless at
    244 million codes, and the count stops a script trying).
    """
    code = services.normalise_signin_code(code or request.GET.get("code", ""))
    if not code:
        return render(request, "fieldwork/signin_code.html", {})
    address = client_address(request)
    misses = Limit(f"fw-code-miss:ip:{address}", *CODE_MISSES)
    if over_limit(address_limit(request, "fw-code")) or limit_reached(misses):
        return render(request, "fieldwork/signin_code.html", {"limited": True, "code": code}, status=429)
    activity = (
        Activity.objects.alive()
        .filter(
            signin_code=code,
            visit__status__in=(VisitStatus.PLANNED, VisitStatus.UNDER_WAY),
            visit__date=timezone.localdate(),
        )
        .first()
    )
    if activity is None:
        over_limit(misses)
        return render(request, "fieldwork/signin_code.html", {"unknown": True, "code": code}, status=404)
    return redirect("fieldwork:public_signin", token=signin_token(activity))


@require_GET
def activity_sheet_pdf(request, public_id):
    """The printable sign-in sheet: the visit's header, the names known so far, empty rows, a signature column."""
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("visit__site"), public_id=public_id
    )
    visit = activity.visit
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Feuille d'émargement",
        author="Relais",
    )
    kind = activity.get_kind_display()
    title = f"{kind} : {activity.title}" if activity.title else kind
    mediators = ", ".join(str(m) for m in visit.mediators.all())
    story = [
        Paragraph("Feuille d'émargement", styles["Title"]),
        Paragraph(title, styles["Heading2"]),
        Paragraph(
            f"Site : {visit.site.name} — Date : {visit.date:%d/%m/%Y} — Durée : {activity.duration_minutes} min",
            styles["Normal"],
        ),
        Paragraph(f"Médiation : {mediators}", styles["Normal"]),
    ]
    if permissions.can_edit_visit(request.user, visit):
        code = services.activity_signin_code(activity=activity)
        story.append(
            Paragraph(
                f"Sans QR code, sur votre téléphone : <b>{request.build_absolute_uri(reverse('signin_code'))}</b> "
                f"puis le code <b>{code}</b>",
                styles["Normal"],
            )
        )
    if (line := current_helpline()) is not None:
        story.append(Paragraph(escape(line.sentence), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    rows = [["N°", "Nom et prénom", "Matricule ou direction", "Signature"]]
    participants = selectors.participants_of(activity, user=request.user)
    for n, p in enumerate(participants, start=1):
        who = p.agent.matricule if p.agent_id else (p.direction.code if p.direction_id else "")
        name = (
            f"{(p.agent.usage_name or p.agent.last_name).upper()} {p.agent.first_name}"
            if p.agent_id
            else p.display_name
        )
        rows.append([str(n), name, who, ""])
    blank = max(25 - len(participants), 10) if activity.kind == ActivityKind.WORKSHOP else 10
    for n in range(len(participants) + 1, len(participants) + blank + 1):
        rows.append([str(n), "", "", ""])
    table = Table(
        rows,
        colWidths=[12 * mm, 70 * mm, 45 * mm, 53 * mm],
        rowHeights=[8 * mm] + [10 * mm] * (len(rows) - 1),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef0")),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    if participants.hidden:
        story += [Spacer(1, 3 * mm), Paragraph(hidden_label(participants.hidden), styles["Normal"])]
    doc.build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emargement-{visit.date:%Y%m%d}.pdf"'
    return response
