"""Pagination, modified_since, rate limit, idempotency and the error format."""

import datetime

import pytest
from django.utils import timezone

from relais.accounts.enums import Role
from relais.adoption.models import Observation, ToolAccount
from relais.agents.models import Agent
from relais.api.models import IdempotentReply
from relais.journal.models import Entry
from tests.factories import AgentFactory, UserFactory


@pytest.fixture
def coordinator_api(api_for, users):
    return api_for(users[Role.COORDINATOR])


@pytest.fixture
def admin_api(api_for):
    return api_for(UserFactory(username="chef", role=Role.ADMIN, is_superuser=True))


def test_walk_returns_every_agent_once(coordinator_api, dpe):
    agents = [AgentFactory(direction=dpe) for _ in range(23)]
    # Same modification instant for several rows: the id breaks the tie.
    Agent.objects.filter(pk__in=[a.pk for a in agents[:10]]).update(updated_at=timezone.now())
    items = coordinator_api.walk("agents", {"limit": 4})
    assert sorted(i["matricule"] for i in items) == sorted(a.matricule for a in agents)
    assert len(items) == 23


def test_rows_changing_between_pages_are_neither_lost_nor_repeated(coordinator_api, dpe):
    agents = [AgentFactory(direction=dpe) for _ in range(12)]
    first = coordinator_api.get("agents", {"limit": 5}).json()
    seen = [i["matricule"] for i in first["items"]]
    # Between two pages: one already-read agent and one not-yet-read agent change, one agent is added.
    Agent.objects.get(matricule=seen[0]).save()
    unread = next(a for a in agents if a.matricule not in seen)
    unread.job_title = "Éboueur"
    unread.save()
    added = AgentFactory(direction=dpe)
    rest = coordinator_api.walk("agents", {"limit": 5, "cursor": first["next_cursor"]})
    later = [i["matricule"] for i in rest]
    everything = seen + later
    assert set(everything) == {a.matricule for a in agents} | {added.matricule}
    # Unchanged rows exactly once; a row changed after it was read comes back once, in its new version.
    assert len(everything) == 13 + 1
    assert everything.count(seen[0]) == 2
    assert later.count(unread.matricule) == 1
    assert next(i for i in rest if i["matricule"] == unread.matricule)["job_title"] == "Éboueur"


def test_modified_since_returns_only_later_changes(coordinator_api, dpe):
    old = AgentFactory(direction=dpe)
    Agent.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    new = AgentFactory(direction=dpe)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert [i["matricule"] for i in coordinator_api.walk("agents", {"modified_since": since})] == [new.matricule]
    naive = coordinator_api.get("agents", {"modified_since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "modified_since"


def test_bad_cursor_and_limit_name_the_field(coordinator_api):
    response = coordinator_api.get("agents", {"cursor": "n'importe quoi"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"
    response = coordinator_api.get("agents", {"limit": 10_000})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"
    assert "limite : 500" in response.json()["errors"][0]["message"]


def test_rate_limit_answers_429_with_retry_after(api_for, users, settings):
    settings.RELAIS_API_RATE_LIMIT = 3
    settings.RELAIS_API_RATE_WINDOW = 60
    client = api_for(users[Role.COORDINATOR])
    other = api_for(users[Role.COORDINATOR])
    statuses = [client.get("tools").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    if statuses[3] == 200:  # the fixed window turned between two calls: the next three calls must hit it
        statuses = [client.get("tools").status_code for _ in range(3)]
    response = client.get("tools")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Trop de requêtes" in response.json()["message"]
    assert other.get("tools").status_code == 200  # per token


def _push(client, key=None, items=None):
    body = {"items": items or [{"matricule": "A1", "as_of": "2026-03-02", "first_sign_in_on": "2026-03-01"}]}
    return client.post("adoption/observations", body, headers={"Idempotency-Key": key} if key else None)


def test_adoption_push_records_observations_and_journals_them(admin_api, dpe):
    agent = AgentFactory(direction=dpe, matricule="A1")
    response = _push(admin_api)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 1, "recorded": 1, "accounts_created": 1}
    account = ToolAccount.objects.get(agent=agent)
    assert account.activated_on == datetime.date(2026, 3, 1)
    entry = Entry.objects.get(action="adoption.observation", object_id=str(agent.pk))
    assert entry.acting_user.username == "chef" and entry.payload["via"].startswith("api:rls_")
    # The same observation again: nothing new (one per account, source and day), as the import does.
    assert _push(admin_api).json()["recorded"] == 0


def test_adoption_push_rejects_the_whole_batch_naming_each_line(admin_api, application_of, api_for, dpe, dfpe):
    AgentFactory(direction=dpe, matricule="A1")
    AgentFactory(direction=dfpe, matricule="B1")
    scoped = api_for(application=application_of("Messagerie", [dpe]))
    items = [
        {"matricule": "A1", "as_of": "2026-03-02"},
        {"matricule": "B1", "as_of": "2026-03-02"},
        {"matricule": "A1", "tool": "fax", "as_of": "2026-03-02"},
    ]
    response = _push(scoped, items=items)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["items.1.matricule", "items.2.tool"]
    assert "ligne 2" in errors[0]["message"] and "hors de votre périmètre" in errors[0]["message"]
    assert Observation.objects.count() == 0
    response = _push(scoped, items=[{"matricule": "A1", "as_of": "02/03/2026"}])
    assert response.json()["errors"][0]["field"] == "items.0.as_of"
    assert "AAAA-MM-JJ" in response.json()["message"]


def test_adoption_push_needs_an_importer_or_an_application(api_for, users, dpe):
    AgentFactory(direction=dpe, matricule="A1")
    assert _push(api_for(users[Role.COORDINATOR])).status_code == 403
    assert _push(api_for(users[Role.HR])).status_code == 403


def test_same_key_same_body_replays_the_first_reply(admin_api, dpe):
    AgentFactory(direction=dpe, matricule="A1")
    first = _push(admin_api, key="lot-1")
    again = _push(admin_api, key="lot-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() == {"received": 1, "recorded": 1, "accounts_created": 1}
    assert Observation.objects.count() == 1
    assert Entry.objects.filter(action="adoption.observation").count() == 1
    assert IdempotentReply.objects.count() == 1


def test_same_key_other_body_is_refused_in_french(admin_api, dpe):
    AgentFactory(direction=dpe, matricule="A1")
    _push(admin_api, key="lot-1")
    response = _push(admin_api, key="lot-1", items=[{"matricule": "A1", "as_of": "2026-03-09"}])
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Observation.objects.count() == 1


def test_idempotent_ticket_creation(api_for, users):
    client = api_for(users[Role.HELPDESK])
    body = {"subject": "Badge", "caller_name": "Sam"}
    first = client.post("tickets", body, headers={"Idempotency-Key": "t-1"})
    again = client.post("tickets", body, headers={"Idempotency-Key": "t-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    from relais.helpdesk.models import Ticket

    assert Ticket.objects.count() == 1
    # Keys are per token: another token's same key is another write.
    assert api_for(users[Role.HELPDESK]).post("tickets", body, headers={"Idempotency-Key": "t-1"}).status_code == 201
    assert Ticket.objects.count() == 2


def test_failed_write_is_not_remembered(admin_api, dpe):
    _push(admin_api, key="k")  # agent A1 does not exist yet: refused
    AgentFactory(direction=dpe, matricule="A1")
    assert _push(admin_api, key="k").json()["recorded"] == 1


def test_errors_are_json_in_french(coordinator_api):
    response = coordinator_api.get("agents/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"] == "Agent introuvable, ou hors de votre périmètre."
    response = coordinator_api.get("agents/pas-un-uuid")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "agent_id"


def test_out_of_range_dates_are_field_errors_not_crashes(coordinator_api):
    # Found by the fuzzer on PostgreSQL: an ISO offset of +20:19 is valid ISO 8601 but not a PostgreSQL offset.
    for value in ("0477-02-27T03:12:41+20:19", "0001-01-01T00:00:00+05:00", "2026-01-01T00:00:00+20:19"):
        response = coordinator_api.get("agents", {"modified_since": value})
        assert response.status_code in (200, 422), value
        if response.status_code == 422:
            assert response.json()["errors"][0]["field"] == "modified_since"
    response = coordinator_api.get("statistics/adoption", {"day": "0001-01-01"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "day"
