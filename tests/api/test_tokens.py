import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from relais.accounts.enums import Role
from relais.api.models import ApiToken
from relais.api.services import token_hash, token_revoke
from relais.journal.models import Entry
from tests.api.conftest import ApiClient
from tests.factories import AgentFactory, UserFactory


def test_token_is_stored_hashed_and_shown_once(api_for, users):
    client = api_for(users[Role.COORDINATOR], scopes=["agents:read"])
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(client.token)
    assert client.token not in str(ApiToken.objects.values().get())
    assert client.token.startswith(token.prefix + "_")
    assert Entry.objects.filter(action="api.token_create", object_id=str(token.pk)).exists()


def test_command_prints_token_alone_on_last_line(users, capsys):
    call_command(
        "api_token", "--user", "coordination", "--scope", "agents:read", "--scope", "tools:read", "--days", "7"
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert last.startswith(token.prefix + "_") and " " not in last
    assert token.scopes == ["agents:read", "tools:read"]
    assert token.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert ApiClient(last).get("tools").status_code == 200


def test_command_refuses_unknown_scope(users):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Droit inconnu : agents:write"):
        call_command("api_token", "--user", "coordination", "--scope", "agents:write")


def test_missing_wrong_expired_and_revoked_tokens_get_401(api_for, users):
    assert ApiClient(None).get("tools").status_code == 401
    assert ApiClient("rls_00000000_nope").get("tools").status_code == 401
    good = api_for(users[Role.COORDINATOR])
    assert good.get("tools").status_code == 200
    tampered = ApiClient(good.token[:-2] + "xx")
    assert tampered.get("tools").status_code == 401
    ApiToken.objects.filter(pk=good.issued.token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = good.get("tools")
    assert response.status_code == 401
    assert "expiré" in response.json()["message"]
    other = api_for(users[Role.COORDINATOR])
    token_revoke(acting_user=users[Role.ADMIN], token=other.issued.token)
    assert other.get("tools").status_code == 401
    assert Entry.objects.filter(action="api.token_revoke").count() == 1


def test_deactivated_user_token_stops_working(api_for):
    user = UserFactory(role=Role.COORDINATOR)
    client = api_for(user)
    user.is_active = False
    user.save()
    assert client.get("tools").status_code == 401


def test_scopes_are_enforced(api_for, users, dpe):
    AgentFactory(direction=dpe)
    client = api_for(users[Role.COORDINATOR], scopes=["tools:read"])
    response = client.get("agents")
    assert response.status_code == 403
    assert "agents:read" in response.json()["message"]
    assert client.post("tickets", {"subject": "x", "caller_name": "y"}).status_code == 403
    assert client.get("tools").status_code == 200


def test_scope_never_widens_the_owner_rights(api_for, users):
    # A helpdesk operator may not read dashboards on the pages: a statistics scope does not change that.
    client = api_for(users[Role.HELPDESK], scopes=["statistics:read", "interventions:write"])
    assert client.get("statistics/adoption").status_code == 403
    assert client.post("interventions", {"direction": "DPE", "title": "t", "goal": "g"}).status_code == 403


def test_admin_lists_and_revokes(api_for, users, client):
    token = api_for(users[Role.COORDINATOR]).issued.token
    client.force_login(users[Role.ADMIN])
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200 and token.prefix in page.text
    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Entry.objects.filter(action="api.token_revoke", acting_user=users[Role.ADMIN]).exists()


def test_admin_registers_an_application_with_its_directions(users, client, dpe, dfpe):
    from relais.api.models import ApiApplication

    client.force_login(users[Role.ADMIN])
    response = client.post(
        "/admin/api/apiapplication/add/", {"name": "SIRH", "description": "", "directions": [dpe.pk]}, follow=True
    )
    assert response.status_code == 200
    application = ApiApplication.objects.get(name="SIRH")
    assert list(application.principal.directions.all()) == [dpe]
    assert not application.principal.has_usable_password()
