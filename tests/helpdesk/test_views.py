"""The queue, the call form, a ticket's page and its actions, as the operator and others see them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from relais.accounts.enums import Role
from relais.helpdesk import services
from relais.helpdesk.enums import Channel, MessageKind, Status
from relais.helpdesk.models import Ticket
from relais.knowledge.models import Article
from tests.factories import AgentFactory, SiteFactory
from tests.helpdesk.factories import TicketFactory, topic


def ok(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "!!MISSING" not in html, html[html.index("!!MISSING") - 200 : html.index("!!MISSING") + 100]
    return html


@pytest.fixture
def operator(users):
    return users[Role.HELPDESK]


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def test_queue_sorts_by_deadline_and_spells_breaches(operator_client, dpe, django_assert_max_num_queries):
    now = timezone.now()
    late = TicketFactory(
        subject="En retard", due_at=now - datetime.timedelta(hours=1), warn_at=now - datetime.timedelta(hours=2)
    )
    soon = TicketFactory(
        subject="Bientôt", due_at=now + datetime.timedelta(hours=1), warn_at=now - datetime.timedelta(minutes=5)
    )
    later = TicketFactory(
        subject="Plus tard", due_at=now + datetime.timedelta(days=2), warn_at=now + datetime.timedelta(days=1)
    )
    TicketFactory(subject="Fini", status=Status.RESOLVED)
    with django_assert_max_num_queries(8):
        html = ok(operator_client.get(reverse("helpdesk:ticket_list")))
    assert html.index("En retard") < html.index("Bientôt") < html.index("Plus tard")
    assert "Fini" not in html
    assert "Délai dépassé" in html and "Échéance proche" in html
    html = ok(operator_client.get(reverse("helpdesk:ticket_list"), {"sla": "breached"}))
    assert "En retard" in html and "Bientôt" not in html
    html = ok(operator_client.get(reverse("helpdesk:ticket_list"), {"q": f"#{later.pk}"}))
    assert "Plus tard" in html and "En retard" not in html
    assert late and soon


def test_queue_paginates(operator_client):
    TicketFactory.create_batch(55)
    html = ok(operator_client.get(reverse("helpdesk:ticket_list")))
    assert "55 tickets" in html and "Page 1 sur 2" in html
    ok(operator_client.get(reverse("helpdesk:ticket_list"), {"page": 2}))


def test_hr_queue_shows_only_their_direction(client, users, dpe, dfpe):
    TicketFactory(subject="Chez DPE", requester=AgentFactory(direction=dpe))
    TicketFactory(subject="Chez DFPE", requester=AgentFactory(direction=dfpe))
    client.force_login(users[Role.HR])
    html = ok(client.get(reverse("helpdesk:ticket_list")))
    assert "Chez DPE" in html and "Chez DFPE" not in html


def test_agent_search_prefix_on_folded_tokens(operator_client, dpe):
    AgentFactory(last_name="Durand", first_name="Sandrine", direction=dpe, matricule="700123")
    AgentFactory(last_name="Dupré", first_name="Élodie", direction=dpe)
    url = reverse("helpdesk:agent_search")
    assert "Sandrine Durand" in ok(operator_client.get(url, {"q": "dur san"}))
    assert "Élodie Dupré" in ok(operator_client.get(url, {"q": "EL dupr"}))
    assert "Sandrine" not in ok(operator_client.get(url, {"q": "urand"}))  # prefixes only
    assert "Sandrine Durand" in ok(operator_client.get(url, {"q": "7001"}))


def test_phone_ticket_in_three_requests(operator_client, operator, dpe):
    agent = AgentFactory(last_name="Durand", first_name="Sandrine", direction=dpe)
    requests = 0
    html = ok(operator_client.get(reverse("helpdesk:call_create")))
    requests += 1
    assert 'name="q"' in html
    html = ok(operator_client.get(reverse("helpdesk:agent_search"), {"q": "dur san"}, headers={"HX-Request": "true"}))
    requests += 1
    assert str(agent.public_id) in html
    response = operator_client.post(
        reverse("helpdesk:call_create"),
        {
            "requester": str(agent.public_id),
            "channel": Channel.PHONE,
            "category": topic("messagerie").pk,
            "priority": "normal",
            "description": "Ne reçoit pas le code d'activation",
            "assign_to_me": "on",
        },
        headers={"HX-Request": "true"},
    )
    requests += 1
    html = ok(response)
    ticket = Ticket.objects.get()
    assert f"Ticket n° {ticket.pk} enregistré" in html
    assert requests <= 3
    assert ticket.requester == agent and ticket.created_by == operator and ticket.assigned_to == operator
    assert ticket.status == Status.ASSIGNED and ticket.channel == Channel.PHONE


def test_call_form_for_an_unknown_caller_and_errors(operator_client):
    response = operator_client.post(
        reverse("helpdesk:call_create"),
        {"channel": Channel.PHONE, "category": topic().pk, "priority": "normal", "description": "x"},
    )
    assert "Choisissez l&#x27;agent dans la liste" in ok(response)
    response = operator_client.post(
        reverse("helpdesk:call_create"),
        {
            "caller_name": "M. Diallo",
            "caller_phone": "0612345678",
            "channel": Channel.WALK_IN,
            "category": topic().pk,
            "priority": "normal",
            "description": "Badge",
            "resolved": "on",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("helpdesk:ticket_detail", args=[ticket.public_id])
    assert ticket.status == Status.RESOLVED and ticket.resolved_first_contact and ticket.assigned_to is None


def test_ticket_page_and_actions(operator_client, operator, dpe, mailoutbox):
    agent = AgentFactory(direction=dpe, work_email="agent@paris.example")
    ticket = services.ticket_create(acting_user=None, channel=Channel.WEB, subject="Messagerie", requester=agent)
    url = reverse("helpdesk:ticket_detail", args=[ticket.public_id])
    html = ok(operator_client.get(url))
    assert "Répondre à l'agent" in html and "Historique" in html
    r = operator_client.post(reverse("helpdesk:ticket_assign", args=[ticket.public_id]), {"me": "1"})
    assert r.status_code == 302
    operator_client.post(reverse("helpdesk:ticket_note", args=[ticket.public_id]), {"body": "Vu avec son chef"})
    operator_client.post(
        reverse("helpdesk:ticket_reply", args=[ticket.public_id]),
        {"body": "Voici la marche à suivre", "next_status": Status.WAITING_AGENT},
    )
    ticket.refresh_from_db()
    assert ticket.assigned_to == operator and ticket.status == Status.WAITING_AGENT
    assert list(ticket.messages.values_list("kind", flat=True)) == [MessageKind.NOTE, MessageKind.REPLY]
    operator_client.post(reverse("helpdesk:ticket_status", args=[ticket.public_id]), {"status": Status.RESOLVED})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    # A refused transition is reported, not applied.
    r = operator_client.post(
        reverse("helpdesk:ticket_status", args=[ticket.public_id]), {"status": Status.WAITING_AGENT}
    )
    assert r.status_code == 403
    html = ok(operator_client.get(url))
    assert "Vu avec son chef" in html and "Note interne" in html


def test_escalate_duplicate_update_match(operator_client, operator, dpe):
    agent = AgentFactory(direction=dpe)
    original = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="a", requester=agent)
    ticket = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="b", caller_name="Inconnu")
    operator_client.post(reverse("helpdesk:ticket_match", args=[ticket.public_id]), {"requester": str(agent.public_id)})
    operator_client.post(
        reverse("helpdesk:ticket_update", args=[ticket.public_id]),
        {"category": topic("badgeuse").pk, "priority": "high"},
    )
    operator_client.post(reverse("helpdesk:ticket_escalate", args=[ticket.public_id]), {"it_reference": "INC42"})
    ticket.refresh_from_db()
    assert ticket.requester == agent and ticket.priority == "high" and ticket.category.code == "badgeuse"
    assert ticket.it_reference == "INC42" and ticket.status == Status.WAITING_THIRD_PARTY
    operator_client.post(reverse("helpdesk:ticket_duplicate", args=[ticket.public_id]), {"original": original.pk})
    ticket.refresh_from_db()
    assert ticket.status == Status.DUPLICATE and ticket.duplicate_of == original


def test_hr_sees_the_ticket_but_not_notes_nor_actions(client, users, dpe):
    ticket = services.ticket_create(
        acting_user=users[Role.HELPDESK], channel=Channel.PHONE, subject="a", requester=AgentFactory(direction=dpe)
    )
    services.ticket_add_note(acting_user=users[Role.HELPDESK], ticket=ticket, body="Secret d'équipe")
    client.force_login(users[Role.HR])
    html = ok(client.get(reverse("helpdesk:ticket_detail", args=[ticket.public_id])))
    assert "Secret d" not in html and "Répondre à l" not in html
    assert client.post(reverse("helpdesk:ticket_reply", args=[ticket.public_id]), {"body": "x"}).status_code == 403


def test_ticket_of_another_direction_is_not_found_for_hr(client, users, dfpe):
    ticket = TicketFactory(requester=AgentFactory(direction=dfpe))
    client.force_login(users[Role.HR])
    assert client.get(reverse("helpdesk:ticket_detail", args=[ticket.public_id])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("helpdesk:ticket_list")).status_code == 302
    assert client.get(reverse("helpdesk:call_create")).status_code == 302


def test_poster_has_a_qr_code_for_the_site(operator_client):
    site = SiteFactory(name="Crèche Oberkampf")
    html = ok(operator_client.get(reverse("helpdesk:poster"), {"site": str(site.public_id)}))
    assert "<svg" in html and f"?site={site.public_id}" in html and "Crèche Oberkampf" in html


def test_queue_search_by_agent_or_caller_name(operator_client, dpe):
    TicketFactory(
        subject="Pour Sandrine", requester=AgentFactory(direction=dpe, last_name="Durand", first_name="Sandrine")
    )
    TicketFactory(subject="Pour Diallo", requester=None, caller_name="Mamadou Diallo")
    TicketFactory(subject="Pour Paul", requester=AgentFactory(direction=dpe, last_name="Martin", first_name="Paul"))
    html = ok(operator_client.get(reverse("helpdesk:ticket_list"), {"q": "dur san"}))
    assert "Pour Sandrine" in html and "Pour Paul" not in html and "Pour Diallo" not in html
    html = ok(operator_client.get(reverse("helpdesk:ticket_list"), {"q": "diallo"}))
    assert "Pour Diallo" in html and "Pour Sandrine" not in html


def test_ticket_page_query_count(operator_client, operator, dpe, django_assert_max_num_queries):
    agent = AgentFactory(direction=dpe, work_email="a@paris.example")
    ticket = services.ticket_create(acting_user=operator, channel=Channel.PHONE, subject="x", requester=agent)
    for i in range(10):
        services.ticket_add_note(acting_user=operator, ticket=ticket, body=f"note {i}")
        services.ticket_reply(acting_user=operator, ticket=ticket, body=f"réponse {i}")
    with django_assert_max_num_queries(20):
        ok(operator_client.get(reverse("helpdesk:ticket_detail", args=[ticket.public_id])))


def test_ticket_page_suggests_the_guides_of_its_topic(operator_client, operator, dpe):
    agent = AgentFactory(direction=dpe)
    ticket = services.ticket_create(
        acting_user=operator, channel=Channel.PHONE, subject="Code", requester=agent, category=topic("messagerie")
    )
    url = reverse("helpdesk:ticket_detail", args=[ticket.public_id])
    html = ok(operator_client.get(url))
    assert "Suggérés pour le thème" in html
    guide = Article.objects.get(slug="activer-sa-messagerie-sur-son-telephone")
    script = Article.objects.get(slug="script-appel-messagerie-non-activee")
    # Agent guides first (the ones to send), then the team's script; other topics' guides are not offered.
    assert html.index(escape(guide.title)) < html.index(escape(script.title))
    assert "Mot de passe oublié" not in html.split("Suggérés pour le thème")[1].split("</ul>")[0]
    operator_client.post(reverse("helpdesk:ticket_link_article", args=[ticket.public_id]), {"article": guide.pk})
    assert list(ticket.articles.all()) == [guide]
    suggestions = ok(operator_client.get(url)).split("Suggérés pour le thème")[1].split("</ul>")[0]
    assert escape(guide.title) not in suggestions and escape(script.title) in suggestions


def test_hr_gets_no_suggestions(client, users, dpe):
    ticket = services.ticket_create(
        acting_user=None, channel=Channel.WEB, subject="x", requester=AgentFactory(direction=dpe), category=topic()
    )
    client.force_login(users[Role.HR])
    assert "Suggérés pour le thème" not in ok(client.get(reverse("helpdesk:ticket_detail", args=[ticket.public_id])))
