"""Migrations 0006–0008: the agents named as HR managers become HR managers of kind "matricule"."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("agents", "0006_agent_hr_manager_ref"), ("accounts", "0001_initial")]
AFTER = [("agents", "0008_agent_hr_manager_swap")]


@pytest.mark.django_db(transaction=True)
def test_agent_hr_managers_become_hr_managers_linked_to_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Direction = apps.get_model("organisation", "Direction")
    Agent = apps.get_model("agents", "Agent")
    User = apps.get_model("accounts", "User")
    dpe = Direction.objects.create(code="DPE", name="Propreté")

    def agent(matricule, **kwargs):
        return Agent.objects.create(matricule=matricule, last_name="N", first_name="P", direction=dpe,
                                    search_text=matricule, **kwargs)  # fmt: skip

    sophie = agent("m900001", work_email="sophie.martin@paris.fr")
    user = User.objects.create(username="smartin", email="Sophie.Martin@paris.fr")
    followed = [agent("100001", hr_manager=sophie), agent("100002", hr_manager=sophie)]
    alone = agent("100003")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    HRManager = apps.get_model("agents", "HRManager")
    Agent = apps.get_model("agents", "Agent")
    manager = HRManager.objects.get()
    assert (manager.key, manager.label, manager.kind) == ("id:M900001", "m900001", "matricule")
    assert manager.agent_id == sophie.pk and manager.user_id == user.pk
    assert manager.email == "sophie.martin@paris.fr"
    assert {a.hr_manager_id for a in Agent.objects.filter(pk__in=[f.pk for f in followed])} == {manager.pk}
    assert Agent.objects.get(pk=alone.pk).hr_manager_id is None

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: the files point at the agent again
    apps = executor.loader.project_state(BEFORE).apps
    Agent = apps.get_model("agents", "Agent")
    assert Agent.objects.get(pk=followed[0].pk).hr_manager_id == sophie.pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
