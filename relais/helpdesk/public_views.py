"""Pages for agents without an account: the help form behind the posters' QR code, the one-click survey.

Abuse protection of the public form: CSRF, a honeypot field, rate limits kept in the host's cache (per loaded
form, and a per-address ceiling high enough for a city's single proxy address: `relais.core.cache`), and size
limits (on the body and on every field). The poster itself is for the team (login required).
"""

import logging

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from relais.agents.models import Agent
from relais.core.cache import address_limit, form_token, form_token_limit, over_limit
from relais.core.forms import Form
from relais.core.text import fold
from relais.helpdesk import notifications, permissions, services
from relais.helpdesk.enums import Channel
from relais.helpdesk.models import Survey
from relais.knowledge.models import Topic
from relais.organisation.models import Site

logger = logging.getLogger(__name__)
THANKS_SALT = "relais.helpdesk.public"
RATE_WINDOW = 60 * 60
MAX_BODY_BYTES = 20_000


class PublicForm(Form):
    name = forms.CharField(label="Votre prénom et votre nom", max_length=150)
    matricule = forms.CharField(
        label="Votre matricule",
        required=False,
        max_length=32,
        help_text="Il est sur votre bulletin de paie. Facultatif.",
    )
    phone = forms.CharField(
        label="Votre numéro de téléphone", required=False, max_length=32, help_text="Pour vous rappeler."
    )
    email = forms.EmailField(label="Votre adresse mail", required=False, max_length=200, help_text="Facultatif.")
    workplace = forms.CharField(
        label="Où travaillez-vous ?", required=False, max_length=200, help_text="Par exemple : crèche Oberkampf."
    )
    topic = forms.ModelChoiceField(
        label="C'est à propos de…",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label="Je ne sais pas",
    )
    problem = forms.CharField(
        label="Votre problème, en quelques mots",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="N'écrivez jamais votre mot de passe.",
    )
    # Honeypot: hidden from people by CSS, filled in by form-spamming robots.
    website = forms.CharField(label="Ne pas remplir ce champ", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email") or data.get("matricule")):
            raise forms.ValidationError(
                "Donnez au moins votre numéro de téléphone, votre adresse mail ou votre matricule, "
                "pour qu'on puisse vous répondre."
            )
        return data


def _rate_limited(request) -> bool:
    """RELAIS_PUBLIC_FORM_RATE posts per loaded form and hour, under the public pages' per-address ceiling."""
    return over_limit(
        form_token_limit(
            request,
            request.POST.get("form_token"),
            "helpdesk-public",
            count=settings.RELAIS_PUBLIC_FORM_RATE,
            window=RATE_WINDOW,
        ),
        address_limit(request, "helpdesk-public"),
    )


def _site_from(value) -> Site | None:
    if not value:
        return None
    try:
        return Site.objects.filter(public_id=value, is_active=True).first()
    except (ValueError, forms.ValidationError):
        return None


def _match_agent(matricule: str, name: str) -> Agent | None:
    """Link the agent only when the matricule exists and the given name shares a word with theirs;
    otherwise an operator matches the ticket later."""
    matricule = matricule.strip()
    if not matricule:
        return None
    agent = Agent.objects.filter(matricule__iexact=matricule).first()
    if agent is None:
        return None
    if set(fold(name).split()) & set(agent.search_text.split()):
        return agent
    return None


@login_not_required
@never_cache
def public_form(request):
    site = _site_from(request.GET.get("site") or request.POST.get("site"))
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return HttpResponse("Message trop long.", status=413, content_type="text/plain; charset=utf-8")
        if _rate_limited(request):
            return render(request, "helpdesk/public_limited.html", status=429)
        form = PublicForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                logger.info("public help form: honeypot filled, submission dropped")
                return render(request, "helpdesk/public_thanks.html", {"ticket_number": None})
            ticket = services.ticket_create(
                acting_user=None,
                channel=Channel.WEB,
                subject=data["topic"].name if data["topic"] else "Demande depuis le formulaire en ligne",
                description=data["problem"],
                requester=_match_agent(data["matricule"], data["name"]),
                caller_name=data["name"],
                caller_phone=data["phone"],
                caller_email=data["email"],
                caller_matricule=data["matricule"],
                caller_site=data["workplace"] or (site.name if site else ""),
                site=site,
                category=data["topic"],
            )
            token = signing.dumps(ticket.pk, salt=THANKS_SALT)
            return redirect("helpdesk:public_thanks", token)
    else:
        form = PublicForm()
    context = {
        "form": form,
        "site": site,
        "form_token": request.POST.get("form_token") or form_token("helpdesk-public"),
    }
    return render(request, "helpdesk/public_form.html", context)


@login_not_required
@never_cache
def public_thanks(request, token):
    try:
        number = signing.loads(token, salt=THANKS_SALT, max_age=60 * 60 * 24)
    except signing.BadSignature as exc:
        raise Http404 from exc
    return render(request, "helpdesk/public_thanks.html", {"ticket_number": number})


@login_not_required
@never_cache
def survey(request, token):
    """The satisfaction survey: the e-mailed link opens it, one click on a mark answers it.

    Answering takes a POST, not the GET of the link: mail scanners open links before people do.
    """
    try:
        public_id = signing.loads(token, salt=notifications.SURVEY_SALT, max_age=60 * 60 * 24 * 60)
        survey_row = Survey.objects.select_related("ticket").get(public_id=public_id)
    except (signing.BadSignature, Survey.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            rating = int(request.POST.get("rating", ""))
        except ValueError:
            rating = 0
        if 1 <= rating <= 5:
            services.survey_answer(survey=survey_row, rating=rating, comment=request.POST.get("comment", "")[:2000])
            return render(request, "helpdesk/survey.html", {"survey": survey_row, "done": True})
    return render(request, "helpdesk/survey.html", {"survey": survey_row, "done": False, "marks": SURVEY_MARKS})


SURVEY_MARKS = [
    (5, "Très satisfait"),
    (4, "Satisfait"),
    (3, "Moyennement satisfait"),
    (2, "Peu satisfait"),
    (1, "Pas du tout satisfait"),
]


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no external service, no inline style: the CSP forbids it)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")


@never_cache
def poster(request):
    """A printable A4 poster for a site: the QR code leads to the help form with the site filled in."""
    if not permissions.can_print_posters(request.user):
        raise PermissionDenied
    site = _site_from(request.GET.get("site"))
    path = reverse("helpdesk:public_form") + (f"?site={site.public_id}" if site else "")
    url = notifications.absolute(path)
    sites = Site.objects.visible_to(request.user).filter(is_active=True).only("public_id", "name")
    return render(request, "helpdesk/poster.html", {"site": site, "sites": sites, "url": url, "qr": qr_svg(url)})
