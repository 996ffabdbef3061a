"""Data: every agent named as someone's HR manager becomes an HR manager of kind "matricule", linked to that
agent, and the files they manage point at it. The key is the one `relais.agents.hr_managers.key_for` gives a
matricule ("id:" + upper case), so that the next extract naming them by matricule finds them."""

from django.db import migrations
from django.db.models import Q


def forwards(apps, schema_editor):
    Agent = apps.get_model("agents", "Agent")
    HRManager = apps.get_model("agents", "HRManager")
    User = apps.get_model("accounts", "User")
    manager_ids = Agent.objects.filter(hr_manager__isnull=False).values_list("hr_manager_id", flat=True).distinct()
    for agent in Agent.objects.filter(pk__in=list(manager_ids)).iterator():
        user = None
        if agent.work_email:
            users = list(User.objects.filter(Q(email__iexact=agent.work_email) | Q(username__iexact=agent.work_email)))
            user = users[0] if len(users) == 1 else None
        manager, _ = HRManager.objects.get_or_create(
            key=f"id:{agent.matricule.strip().upper()}",
            defaults={
                "label": agent.matricule,
                "kind": "matricule",
                "agent": agent,
                "user": user,
                "email": agent.work_email,
            },
        )
        Agent.objects.filter(hr_manager_id=agent.pk).update(hr_manager_ref=manager)


def backwards(apps, schema_editor):
    Agent = apps.get_model("agents", "Agent")
    HRManager = apps.get_model("agents", "HRManager")
    for manager in HRManager.objects.filter(agent__isnull=False).iterator():
        Agent.objects.filter(hr_manager_ref=manager).update(hr_manager_id=manager.agent_id)


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0006_agent_hr_manager_ref"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
