import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from relais.agents import services
from relais.journal.models import AppendOnlyError, Entry
from tests.factories import AgentFactory


@pytest.mark.django_db
def test_agent_change_is_journaled_with_acting_user_and_diff(users, dpe):
    admin = users["admin"]
    agent = AgentFactory(direction=dpe, first_name="Nadia")

    services.agent_update(agent=agent, acting_user=admin, first_name="Nadine", work_phone="0140000000")

    entry = Entry.objects.for_object(agent).get()
    assert entry.acting_user == admin
    assert entry.action == "agent.update"
    assert entry.payload["modifications"]["first_name"] == ["Nadia", "Nadine"]
    assert entry.payload["modifications"]["work_phone"] == ["", "0140000000"]


@pytest.mark.django_db
def test_no_change_writes_no_entry(users, dpe):
    agent = AgentFactory(direction=dpe, first_name="Nadia")
    assert services.agent_update(agent=agent, acting_user=users["admin"], first_name="Nadia") == {}
    assert not Entry.objects.for_object(agent).exists()


@pytest.mark.django_db(transaction=True)
def test_failed_change_leaves_neither_change_nor_entry(users, dpe):
    agent = AgentFactory(direction=dpe, last_name="Roux")
    with pytest.raises(Exception):  # noqa: B017 - the exit date before entry date is refused by validation
        services.agent_update(
            agent=agent,
            acting_user=users["admin"],
            last_name="Rousseau",
            exit_date=agent.entry_date.replace(year=2000),
        )
    agent.refresh_from_db()
    assert agent.last_name == "Roux"
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_orm(users, dpe):
    agent = AgentFactory(direction=dpe)
    services.agent_update(agent=agent, acting_user=users["admin"], first_name="Zoé")
    entry = Entry.objects.get()
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().update(action="forged")
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_raw_update_and_delete(users, dpe):
    guard = importlib.import_module("relais.journal.migrations.0002_append_only_triggers")
    guard.install(connection)  # rolled back with the test's transaction
    agent = AgentFactory(direction=dpe)
    services.agent_update(agent=agent, acting_user=users["admin"], first_name="Zoé")
    for sql in ("UPDATE journal_entry SET action = 'forged'", "DELETE FROM journal_entry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Entry.objects.get().action == "agent.update"


@pytest.mark.django_db(transaction=True)
def test_journal_record_outside_a_transaction_is_refused(users, dpe):
    from relais.journal.services import journal_record

    agent = AgentFactory(direction=dpe)
    with pytest.raises(RuntimeError):
        journal_record(acting_user=users["admin"], action="x", obj=agent)
