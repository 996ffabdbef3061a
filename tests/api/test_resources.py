"""Each resource shows what the pages show, to whom they show it: a direction's token never sees another's rows."""

import datetime

import pytest

from relais.accounts.enums import Role
from relais.adoption.models import ToolAccount
from relais.fieldwork.enums import VisitStatus
from relais.helpdesk.enums import Channel
from relais.journal.models import Entry
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory, UserFactory
from tests.fieldwork.factories import ActivityFactory, ParticipationFactory, VisitFactory
from tests.helpdesk.factories import TicketFactory


@pytest.fixture
def two_directions(dpe, dfpe):
    ours = [AgentFactory(direction=dpe, matricule=f"DPE{n}") for n in range(3)]
    theirs = [AgentFactory(direction=dfpe, matricule=f"DFPE{n}") for n in range(2)]
    return ours, theirs


def test_application_scoped_to_a_direction_sees_only_its_agents(api_for, application_of, dpe, two_directions):
    ours, theirs = two_directions
    client = api_for(application=application_of("SIRH", [dpe]))
    seen = {a["matricule"] for a in client.walk("agents")}
    assert seen == {a.matricule for a in ours}
    assert client.get(f"agents/{theirs[0].public_id}").status_code == 404
    assert client.get("agents", {"direction": "DFPE"}).json()["items"] == []


def test_hr_user_token_sees_what_the_hr_correspondent_sees(api_for, users, two_directions):
    ours, _theirs = two_directions
    seen = {a["matricule"] for a in api_for(users[Role.HR]).walk("agents")}
    assert seen == {a.matricule for a in ours}


def test_application_without_directions_sees_nothing(api_for, application_of, two_directions):
    client = api_for(application=application_of("Vide", []))
    assert client.walk("agents") == []
    assert client.walk("adoption/observations") == []


def test_user_without_role_cannot_list_agents(api_for, two_directions):
    response = api_for(UserFactory(role="")).get("agents")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_agent_fields_are_the_page_fields_only(api_for, users, dpe):
    agent = AgentFactory(direction=dpe, work_email="s.durand@paris.fr")
    ToolAccountFactory(agent=agent, login="s.durand@paris.fr", activated_on=datetime.date(2026, 2, 1))
    item = api_for(users[Role.COORDINATOR]).get(f"agents/{agent.public_id}").json()
    assert item["direction"] == "DPE"
    assert item["tools"][0]["tool"] == "messagerie"
    assert item["tools"][0]["status"] in {"activated", "used", "active_30d"}
    assert not {"nir", "iban", "search_text", "hr_manager", "id_"} & set(item)
    assert "id" in item and item["id"] == str(agent.public_id)


def test_observations_follow_agent_visibility(api_for, application_of, dpe, two_directions):
    ours, theirs = two_directions
    ToolAccountFactory(agent=ours[0])
    ToolAccountFactory(agent=theirs[0])
    admin_client = api_for(UserFactory(role=Role.ADMIN, is_superuser=True))
    body = {"items": [{"matricule": a.matricule, "as_of": "2026-03-01"} for a in (ours[0], theirs[0])]}
    assert admin_client.post("adoption/observations", body).status_code == 200
    scoped = api_for(application=application_of("SIRH", [dpe]))
    assert {o["matricule"] for o in scoped.walk("adoption/observations")} == {ours[0].matricule}


def test_visits_and_activities_follow_the_pages_rules(api_for, users, dpe, dfpe):
    mediator = UserFactory(role=Role.MEDIATOR, username="m1")
    ours = VisitFactory(site=SiteFactory(direction=dpe), mediators=[mediator])
    theirs = VisitFactory(site=SiteFactory(direction=dfpe))
    gone = VisitFactory(site=SiteFactory(direction=dpe), mediators=[mediator])
    gone.deleted_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    gone.save()
    activity = ActivityFactory(visit=ours)
    ParticipationFactory(activity=activity, agent=AgentFactory(direction=dpe))
    ActivityFactory(visit=theirs)
    hr = api_for(users[Role.HR])
    assert [v["id"] for v in hr.walk("visits")] == [str(ours.public_id)]
    assert [(a["id"], a["participants"]) for a in hr.walk("activities")] == [(str(activity.public_id), 1)]
    assert [v["id"] for v in api_for(mediator).walk("visits")] == [str(ours.public_id)]
    coordinator = api_for(users[Role.COORDINATOR])
    assert {v["id"] for v in coordinator.walk("visits")} == {str(ours.public_id), str(theirs.public_id)}
    assert ours.status == VisitStatus.PLANNED


def test_tickets_follow_the_pages_rules(api_for, users, dpe, dfpe):
    ours = TicketFactory(requester=AgentFactory(direction=dpe))
    TicketFactory(requester=AgentFactory(direction=dfpe))
    hr = api_for(users[Role.HR])
    items = hr.walk("tickets")
    assert [t["id"] for t in items] == [str(ours.public_id)]
    assert items[0]["direction"] == "DPE"
    assert not {"caller_phone", "caller_email", "description"} & set(items[0])
    assert api_for(users[Role.HELPDESK]).get("tickets").json()["items"].__len__() == 2


def test_ticket_create_is_journaled_with_the_token_owner(api_for, users, dpe):
    agent = AgentFactory(direction=dpe, matricule="777")
    operator = users[Role.HELPDESK]
    response = api_for(operator).post(
        "tickets", {"subject": "Messagerie bloquée", "matricule": "777", "channel": Channel.PHONE}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requester"] == "777" and body["direction"] == "DPE"
    assert Entry.objects.filter(action="helpdesk.ticket_create", acting_user=operator).count() == 1
    assert agent.tickets.count() == 1


def test_ticket_create_names_the_wrong_field_in_french(api_for, users, dfpe):
    client = api_for(users[Role.HELPDESK])
    response = client.post("tickets", {"subject": "x", "matricule": "inconnu"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "matricule", "message": "agent « inconnu » inconnu ou hors de votre périmètre"}
    ]
    response = client.post("tickets", {"subject": "x", "caller_name": "Sam", "priority": "énorme"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "priority"
    assert "valeur non reconnue" in response.json()["message"]
    response = client.post("tickets", {"caller_name": "Sam"})
    assert response.json()["errors"][0] == {"field": "subject", "message": "obligatoire, absent de la requête"}
    assert client.post("tickets", "{pas du json").status_code in (400, 422)


def test_interventions_read_and_create_within_the_direction(api_for, users, dpe, dfpe):
    hr = api_for(users[Role.HR])
    response = hr.post(
        "interventions",
        {"direction": "DPE", "title": "Messagerie des gestionnaires", "goal": "Activer", "categories": ["C"]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "DPE"
    assert Entry.objects.filter(acting_user=users[Role.HR], object_type="interventions.interventionrequest").exists()
    refused = hr.post("interventions", {"direction": "DFPE", "title": "t", "goal": "g", "categories": ["C"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "direction"
    coordinator = api_for(users[Role.COORDINATOR])
    coordinator.post("interventions", {"direction": "DFPE", "title": "t", "goal": "g", "categories": ["B"]})
    assert [r["direction"] for r in hr.walk("interventions")] == ["DPE"]
    assert len(coordinator.walk("interventions")) == 2


def test_statistics_hide_small_groups_beyond_the_team(api_for, users, dpe, dfpe, settings):
    settings.RELAIS_SMALL_GROUP_THRESHOLD = 5
    for n in range(6):
        ToolAccountFactory(agent=AgentFactory(direction=dpe), activated_on=datetime.date(2026, 1, 10 + n))
    for _n in range(2):
        ToolAccountFactory(agent=AgentFactory(direction=dfpe))
    users[Role.HR].directions.set([dpe, dfpe])
    hr = api_for(users[Role.HR]).get("statistics/adoption").json()
    by_direction = next(t for t in hr["tables"] if t["key"] == "adoption-direction")
    rows = {row[0]: row for row in by_direction["rows"]}
    assert hr["small_groups_hidden"] is True
    assert rows[next(k for k in rows if "DFPE" in k)][1] == "< 5"
    coordinator = api_for(users[Role.COORDINATOR]).get("statistics/adoption").json()
    rows = {row[0]: row for row in next(t for t in coordinator["tables"] if t["key"] == "adoption-direction")["rows"]}
    assert rows[next(k for k in rows if "DFPE" in k)][1] == 2
    assert ToolAccount.objects.count() == 8


NIR = "2 55 08 14 168 025 38"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


def test_writes_refuse_a_nir_or_an_iban_in_any_text(api_for, users, dpe):
    """Issue 16 §2d: the API's bodies go through the same check as the forms (422, the field named in French)."""
    from relais.helpdesk.models import Ticket
    from relais.interventions.models import InterventionRequest

    client = api_for(users[Role.HELPDESK])
    response = client.post("tickets", {"subject": "Paie", "caller_name": "Sam", "description": f"NIR {NIR}"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "description", "message": "ce texte contient un numéro de sécurité sociale (NIR), que Relais ne "
         "conserve pas"}
    ]  # fmt: skip
    assert response.json()["message"].startswith("Champ « description » : ce texte contient")
    assert not Ticket.objects.exists()
    hr = api_for(users[Role.HR])
    body = {"direction": "DPE", "title": "t", "goal": "g", "matricules": [IBAN.replace(" ", "")]}
    response = hr.post("interventions", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "matricules"
    assert "coordonnées bancaires (IBAN)" in response.json()["errors"][0]["message"]
    assert not InterventionRequest.objects.exists()
    admin_client = api_for(users[Role.ADMIN])
    item = {"matricule": "DPE0", "as_of": "2026-03-01", "login": f"{NIR}@paris.fr"}
    response = admin_client.post("adoption/observations", {"items": [item]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items.0.login"


def test_writes_refuse_a_nul_or_a_lone_surrogate_that_postgresql_could_not_store(api_for, users):
    """Found by the fuzzing on PostgreSQL: a NUL in a caller's name answered 500 (SQLite stored it)."""
    from relais.helpdesk.models import Ticket

    client = api_for(users[Role.HELPDESK])
    response = client.post("tickets", {"subject": "Paie", "caller_name": "Sam\x00", "description": "d"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "caller_name", "message": "ce texte contient un caractère nul ou mal codé : retirez-le"}
    ]
    response = client.post("tickets", {"subject": "Paie", "caller_name": "Sam\ud800", "description": "d"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "caller_name"
    assert not Ticket.objects.exists()
