"""HR managers edited in the admin: through the service, key following the label, journaled."""

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.agents.models import HRManager
from relais.journal.models import Entry
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_changes_and_deletes_an_hr_manager(client, users):
    client.force_login(users[Role.ADMIN])
    agent = AgentFactory(last_name="Martin", first_name="Sophie")
    data = {"label": "MARTIN Sophie", "kind": "name", "agent": agent.pk, "user": "", "email": ""}
    response = client.post(reverse("admin:agents_hrmanager_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    manager = HRManager.objects.get()
    assert manager.key == "name:martin sophie" and manager.agent == agent
    assert Entry.objects.filter(action="hr_manager.create", object_id=str(manager.pk)).exists()

    client.post(reverse("admin:agents_hrmanager_change", args=[manager.pk]), {**data, "label": "Mme MARTIN S."})
    manager.refresh_from_db()
    assert manager.key == "name:martin s"
    entry = Entry.objects.get(action="hr_manager.update")
    assert entry.payload["modifications"]["label"] == ["MARTIN Sophie", "Mme MARTIN S."]

    client.post(reverse("admin:agents_hrmanager_delete", args=[manager.pk]), {"post": "yes"})
    assert not HRManager.objects.exists() and Entry.objects.filter(action="hr_manager.delete").exists()


def test_admin_list_of_hr_managers(client, users):
    client.force_login(users[Role.ADMIN])
    HRManager.objects.create(label="GRH-07", key="id:GRH-07", kind="code")
    assert "GRH-07" in client.get(reverse("admin:agents_hrmanager_changelist")).content.decode()
