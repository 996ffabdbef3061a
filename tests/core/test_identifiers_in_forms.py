"""A NIR or an IBAN typed in a form that Relais keeps is refused, the field named (issue 16 §2a)."""

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from relais.accounts.enums import Role
from relais.fieldwork.enums import ActivityKind
from relais.fieldwork.models import Participation
from relais.fieldwork.views.signin import signin_token
from relais.helpdesk.enums import Channel
from relais.helpdesk.models import Ticket
from tests.factories import SiteFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, VisitFactory
from tests.helpdesk.factories import topic

pytestmark = pytest.mark.django_db
NIR = "2 55 08 14 168 025 38"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_public_sign_in_refuses_a_nir_typed_as_a_name(client, dpe):
    cache.clear()
    mediator = MediatorFactory()
    visit = VisitFactory(site=SiteFactory(direction=dpe), mediators=[mediator])
    workshop = ActivityFactory(visit=visit, kind=ActivityKind.WORKSHOP, title="Messagerie")
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1)
    response = client.post(
        url,
        {"last_name": f"Martin {NIR.replace(' ', '')}", "first_name": "Léa", "direction": "DPE", "form_token": token},
    )
    page = _page(response)
    assert "« Votre nom » : ce texte contient un numéro de sécurité sociale (NIR), que Relais ne conserve pas" in page
    assert not Participation.objects.filter(activity=workshop).exists()


def test_public_help_form_refuses_an_iban_in_the_problem(client, db):
    cache.clear()
    response = client.post(
        reverse("helpdesk:public_form"),
        {
            "name": "Sandrine Durand",
            "phone": "0612345678",
            "topic": topic("messagerie").pk,
            "problem": f"Ma paie n'arrive pas sur mon compte {IBAN}",
            "website": "",
        },
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 200
    assert "ce texte contient des coordonnées bancaires (IBAN), que Relais ne conserve pas" in _page(response)
    assert not Ticket.objects.exists()


def test_ticket_description_refuses_a_nir(client, users):
    client.force_login(users[Role.HELPDESK])
    response = client.post(
        reverse("helpdesk:call_create"),
        {
            "caller_name": "M. Diallo",
            "caller_phone": "0612345678",
            "channel": Channel.PHONE,
            "category": topic().pk,
            "priority": "normal",
            "description": f"Il me donne son numéro de sécu : {NIR}",
        },
    )
    assert "« Ce que dit la personne » : ce texte contient un numéro de sécurité sociale (NIR)" in _page(response)
    assert not Ticket.objects.exists()


def test_visit_notes_refuse_a_nir(client, dpe):
    mediator = MediatorFactory()
    client.force_login(mediator)
    visit = VisitFactory(site=SiteFactory(direction=dpe), mediators=[mediator], notes="")
    response = client.post(
        reverse("fieldwork:visit_notes", args=[visit.public_id]), {"notes": f"NIR {NIR}"}, follow=True
    )
    assert "Notes non enregistrées." in _page(response)
    assert "« Notes » : ce texte contient un numéro de sécurité sociale (NIR)" in _page(response)
    visit.refresh_from_db()
    assert visit.notes == ""


def test_admin_refuses_a_nir_in_a_guide(rf, users):
    from django.contrib import admin

    from relais.knowledge.models import Article

    request = rf.get("/admin/")
    request.user = users[Role.ADMIN]
    form_class = admin.site._registry[Article].get_form(request)
    form = form_class(data={"title": "Activer sa messagerie", "summary": f"Exemple : {NIR}"})
    assert not form.is_valid()
    assert "ce texte contient un numéro de sécurité sociale (NIR)" in form.errors["summary"][0]
    assert "summary" in form.errors and form.errors["summary"][0].startswith("« En bref » :")
