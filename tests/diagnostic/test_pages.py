"""The public diagnostic: no account, one question per page, a result by tool; mediator mode with agreement."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.accounts.enums import Role
from relais.diagnostic.models import Answer, Session
from relais.journal.models import Entry
from relais.skills.enums import Band
from tests.diagnostic.helpers import answer, finish, start
from tests.factories import AgentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_an_agent_without_account_takes_it_from_the_sites_link_in_twelve_questions_at_most(client, dpe):
    site = SiteFactory(direction=dpe, name="Dépôt Nord")
    page = client.get(reverse("diagnostic:start"), {"site": site.public_id})
    assert page.status_code == 200 and "Dépôt Nord" in page.content.decode()
    session = start(client, site=str(site.public_id))
    assert (session.site, session.direction, session.mediator, session.agent) == (site, dpe, None, None)
    first = client.get(reverse("diagnostic:question", args=[session.public_id])).content.decode()
    assert "Question 1 sur 12 au plus" in first and "Je ne sais pas" in first
    assert session.pending_item.question in first.replace("&#x27;", "'")
    asked = finish(client, session)
    session.refresh_from_db()
    assert 1 <= asked <= 12 == session.items_count or session.standard_error < 0.3
    assert set(session.bands) == {"messagerie", "mots-de-passe", "badgeuse", "self-service-rh", "intranet",
                                  "hameconnage", "smartphone"}  # fmt: skip
    result = client.get(reverse("diagnostic:result", args=[session.public_id])).content.decode()
    assert "Votre résultat" in result and "Ce résultat est anonyme" in result
    assert "Reconnaître un faux message" in result  # the phishing guide of the knowledge base
    for band in set(session.bands.values()):
        assert str(Band(band).label) in result


def test_without_a_site_the_agent_picks_a_direction_from_a_short_list(client, dpe, dfpe):
    page = client.get(reverse("diagnostic:start")).content.decode()
    assert "DFPE · Familles et petite enfance" in page and "Je ne sais pas" in page
    session = start(client, direction=str(dfpe.pk))
    assert (session.direction, session.site) == (dfpe, None)
    anonymous = start(client, direction="")
    assert anonymous.direction is None


def test_all_right_answers_end_autonomous_and_all_dont_know_end_to_help(client):
    strong = start(client)
    finish(client, strong, right=lambda n: True)
    strong.refresh_from_db()
    assert set(strong.bands.values()) == {"autonomous"}
    weak = start(client)
    while not Session.objects.get(pk=weak.pk).finished_at:
        answer(client, weak, dont_know=True)
    weak.refresh_from_db()
    assert set(weak.bands.values()) == {"help"}
    assert not Answer.objects.filter(session=weak, is_correct=True).exists()
    assert Answer.objects.filter(session=weak, choice__isnull=True).count() == weak.items_count


def test_no_answer_chosen_says_so_and_a_page_sent_twice_counts_once(client):
    session = start(client)
    url = reverse("diagnostic:question", args=[session.public_id])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Réponse : choisissez une réponse, ou « Je ne sais pas »." in response.content.decode()
    item = session.pending_item
    right = str(item.choices.get(is_correct=True).pk)
    client.post(url, {"answer": right})
    client.post(url, {"answer": right})  # the same question again (back button, double tap): ignored
    assert Answer.objects.filter(session=session).count() == 1


def test_a_session_answers_only_from_the_browser_that_started_it(client):
    session = start(client)
    other = Client()
    assert other.get(reverse("diagnostic:question", args=[session.public_id])).status_code == 404
    assert other.get(reverse("diagnostic:result", args=[session.public_id])).status_code == 404


def test_an_answer_for_another_item_is_refused(client):
    session = start(client)
    other_item_choice = Answer._meta.get_field("choice").related_model.objects.exclude(item=session.pending_item)[0]
    response = client.post(
        reverse("diagnostic:question", args=[session.public_id]), {"answer": str(other_item_choice.pk)}
    )
    assert response.status_code == 400 and not Answer.objects.exists()


def test_sessions_per_address_and_hour_are_limited_with_a_french_message(client, settings):
    settings.RELAIS_DIAGNOSTIC_SESSIONS_PER_HOUR = 2
    start(client)
    start(client)
    response = client.post(reverse("diagnostic:start"), {})
    assert response.status_code == 429
    assert "Trop de diagnostics commencés" in response.content.decode()
    assert Session.objects.count() == 2


def test_every_page_weighs_less_than_100_kb(client):
    session = start(client)
    pages = [reverse("diagnostic:start"), reverse("diagnostic:question", args=[session.public_id])]
    finish(client, session)
    pages.append(reverse("diagnostic:result", args=[session.public_id]))
    for url in pages:
        assert len(client.get(url).content) < 30_000, url  # the browser test counts the CSS and scripts too


def test_a_mediator_attaches_the_result_with_the_agents_agreement(client, users, dpe):
    site = SiteFactory(direction=dpe)
    agent = AgentFactory(direction=dpe, site=site, matricule="A1234")
    mediator = users[Role.MEDIATOR]
    client.force_login(mediator)
    assert "Mode médiateur" in client.get(reverse("diagnostic:start")).content.decode()
    session = start(client)
    assert session.mediator == mediator
    finish(client, session)
    url = reverse("diagnostic:result", args=[session.public_id])
    assert "Rattacher ce résultat à l'agent" in client.get(url).content.decode()

    refused = client.post(url, {"matricule": "A1234"}).content.decode()
    assert "Accord de l&#x27;agent : cochez la case" in refused
    session.refresh_from_db()
    assert session.agent is None and not Entry.objects.filter(action="diagnostic.attach").exists()

    unknown = client.post(url, {"matricule": "Z9", "agreed": "on"}).content.decode()
    assert "Matricule : aucun agent ne porte ce matricule." in unknown

    assert client.post(url, {"matricule": "a1234", "agreed": "on"}).status_code == 302
    session.refresh_from_db()
    assert session.agent == agent and session.agreement_at is not None
    entry = Entry.objects.get(action="diagnostic.attach")
    assert (entry.acting_user, entry.object_id, entry.payload["bands"]) == (mediator, str(agent.pk), session.bands)
    assert "Résultat enregistré dans le dossier de l" in client.get(url).content.decode()
    assert client.post(url, {"matricule": "A1234", "agreed": "on"}).status_code == 403  # once only


def test_an_anonymous_result_cannot_be_attached(client, dpe):
    AgentFactory(direction=dpe, matricule="A1234")
    session = start(client)
    finish(client, session)
    url = reverse("diagnostic:result", args=[session.public_id])
    assert "Rattacher" not in client.get(url).content.decode()
    assert client.post(url, {"matricule": "A1234", "agreed": "on"}).status_code == 403


def test_the_team_gets_a_sites_link_and_qr_code(client, users, dpe):
    site = SiteFactory(direction=dpe, name="Crèche Soleil")
    url = reverse("diagnostic:site_link", args=[site.public_id])
    assert client.get(url).status_code == 302  # login required
    client.force_login(users[Role.HR])
    assert client.get(url).status_code == 403
    client.force_login(users[Role.MEDIATOR])
    page = client.get(url).content.decode()
    assert f"/diagnostic/?site={site.public_id}" in page and "<svg" in page
