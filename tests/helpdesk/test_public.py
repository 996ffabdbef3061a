"""The public help form (no account), its abuse protections, and the one-click survey."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from relais.helpdesk import notifications, services
from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import Survey, Ticket
from tests.factories import AgentFactory, SiteFactory
from tests.helpdesk.factories import topic


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def submit(client, **overrides):
    data = {
        "name": "Sandrine Durand",
        "phone": "0612345678",
        "matricule": "",
        "email": "",
        "workplace": "Crèche Oberkampf",
        "topic": topic("messagerie").pk,
        "problem": "Je n'arrive pas à ouvrir ma messagerie sur mon téléphone.",
        "website": "",
    }
    data.update(overrides)
    return client.post(reverse("helpdesk:public_form"), data, **({"REMOTE_ADDR": "10.0.0.1"}))


def test_form_is_public_and_plain(client, db):
    response = client.get(reverse("helpdesk:public_form"))
    html = response.content.decode()
    assert response.status_code == 200 and "Besoin d'aide" in html and "!!MISSING" not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_submission_creates_a_web_ticket_and_shows_its_number(client, db):
    response = submit(client)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB and ticket.created_by is None and ticket.requester is None
    assert ticket.caller_name == "Sandrine Durand" and ticket.caller_site == "Crèche Oberkampf"
    assert ticket.first_responded_at is None and ticket.due_at is not None
    thanks = client.get(response.url).content.decode()
    assert str(ticket.pk) in thanks and "Merci" in thanks


def test_matricule_and_name_link_the_agent(client, dpe):
    agent = AgentFactory(matricule="123456", last_name="Durand", first_name="Sandrine", direction=dpe)
    submit(client, matricule="123456")
    assert Ticket.objects.get().requester == agent


def test_matricule_with_another_name_is_kept_for_later_matching(client, dpe):
    AgentFactory(matricule="123456", last_name="Martin", first_name="Paul", direction=dpe)
    submit(client, matricule="123456")
    ticket = Ticket.objects.get()
    assert ticket.requester is None and ticket.caller_matricule == "123456"


def test_site_from_the_poster_qr_code(client, db):
    site = SiteFactory(name="Dépôt Bercy")
    html = client.get(reverse("helpdesk:public_form"), {"site": str(site.public_id)}).content.decode()
    assert "Dépôt Bercy" in html
    submit(client, site=str(site.public_id), workplace="")
    ticket = Ticket.objects.get()
    assert ticket.site == site and ticket.direction == site.direction and ticket.caller_site == "Dépôt Bercy"


def test_a_way_to_answer_is_required(client, db):
    response = submit(client, phone="")
    assert response.status_code == 200 and "Donnez au moins votre numéro" in response.content.decode()
    assert not Ticket.objects.exists()


def test_honeypot_drops_the_submission_quietly(client, db):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 200 and "Merci" in response.content.decode()
    assert not Ticket.objects.exists()


def test_rate_limit_per_ip(client, db):
    for _ in range(5):
        assert submit(client).status_code == 302
    response = submit(client)
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert Ticket.objects.count() == 5
    other = client.post(
        reverse("helpdesk:public_form"), {"name": "x", "phone": "1", "problem": "y"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 302


def test_size_limits(client, db):
    assert submit(client, problem="x" * 2001).status_code == 200  # field limit: the form says why
    assert not Ticket.objects.exists()
    assert submit(client, problem="x" * 30_000).status_code == 413


def test_csrf_is_enforced(db):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("helpdesk:public_form"), {"name": "x", "phone": "1", "problem": "y"})
    assert response.status_code == 403


def test_thanks_token_is_signed(client, db):
    assert client.get(reverse("helpdesk:public_thanks", args=["forged"])).status_code == 404


def test_survey_one_click_without_login(client, users, dpe):
    from relais.accounts.enums import Role

    agent = AgentFactory(direction=dpe, work_email="a@paris.example")
    ticket = services.ticket_create(
        acting_user=users[Role.HELPDESK],
        channel=Channel.PHONE,
        subject="x",
        requester=agent,
        resolved_first_contact=True,
    )
    survey = Survey.objects.get(ticket=ticket)
    url = reverse("helpdesk:survey", args=[notifications.survey_token(survey)])
    html = client.get(url).content.decode()
    assert "Très satisfait" in html and ticket.status == Status.RESOLVED
    survey.refresh_from_db()
    assert survey.rating is None  # opening the link (as mail scanners do) records nothing
    response = client.post(url, {"rating": "4"})
    assert response.status_code == 200 and "Merci pour votre avis" in response.content.decode()
    survey.refresh_from_db()
    assert survey.rating == 4 and survey.answered_at is not None
    assert client.get(reverse("helpdesk:survey", args=["forged"])).status_code == 404
