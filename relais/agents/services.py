"""Writes to agents. Each change is journaled in its own transaction, with the acting user."""

from django.db import transaction

from relais.agents.models import Agent, HRManager
from relais.journal.services import journal_record, model_changes

EDITABLE_FIELDS = [
    "matricule", "last_name", "usage_name", "first_name", "category", "filiere", "statut", "grade", "job_title",
    "direction", "service", "site", "uses_computer", "work_phone", "work_email", "hr_manager", "entry_date",
    "exit_date",
]  # fmt: skip


@transaction.atomic
def agent_create(*, acting_user, **fields) -> Agent:
    """Create an agent from editable fields only (never NIR or bank data: the model has no place for them)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"agent_create: unexpected fields {sorted(unknown)}")
    agent = Agent(**fields)
    agent.full_clean()
    agent.save()
    journal_record(
        acting_user=acting_user,
        action="agent.create",
        obj=agent,
        payload={"champs": sorted(k for k, v in fields.items() if v not in (None, ""))},
    )
    return agent


@transaction.atomic
def agent_update(*, agent: Agent, acting_user, **fields) -> dict[str, list]:
    """Change some fields of an agent; returns {field: [old, new]} of what really changed (journaled)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"agent_update: unexpected fields {sorted(unknown)}")
    before = {name: getattr(Agent.objects.get(pk=agent.pk), name) for name in fields}
    for name, value in fields.items():
        setattr(agent, name, value)
    changes = model_changes(agent, fields, before)
    if not changes:
        return {}
    agent.full_clean()
    agent.save()
    journal_record(acting_user=acting_user, action="agent.update", obj=agent, payload={"modifications": changes})
    return changes


@transaction.atomic
def agent_delete(*, agent: Agent, acting_user) -> None:
    """Erase an agent (right to erasure); agents who leave are marked with an exit date instead."""
    journal_record(acting_user=acting_user, action="agent.delete", obj=agent, payload={"matricule": agent.matricule})
    agent.delete()


HR_MANAGER_FIELDS = ["label", "kind", "agent", "user", "email"]


@transaction.atomic
def hr_manager_save(*, manager: HRManager, acting_user, fields: dict) -> HRManager:
    """Create or change an HR manager by hand (the admin); the key follows the label; journaled."""
    from relais.agents.hr_managers import key_for

    unknown = set(fields) - set(HR_MANAGER_FIELDS)
    if unknown:
        raise TypeError(f"hr_manager_save: unexpected fields {sorted(unknown)}")
    before = {} if manager.pk is None else {n: getattr(HRManager.objects.get(pk=manager.pk), n) for n in fields}
    for name, value in fields.items():
        setattr(manager, name, value)
    manager.key = key_for(manager.label) or manager.key
    creating = manager.pk is None
    changes = {} if creating else model_changes(manager, fields, before)
    if not creating and not changes:
        return manager
    manager.full_clean()
    manager.save()
    journal_record(
        acting_user=acting_user,
        action="hr_manager.create" if creating else "hr_manager.update",
        obj=manager,
        payload={"champs": sorted(k for k, v in fields.items() if v not in (None, ""))}
        if creating
        else {"modifications": changes},
    )
    return manager


@transaction.atomic
def hr_manager_delete(*, manager: HRManager, acting_user) -> None:
    """Remove an HR manager; the files they managed keep no HR manager (journaled)."""
    journal_record(acting_user=acting_user, action="hr_manager.delete", obj=manager, payload={"libelle": manager.label})
    manager.delete()
