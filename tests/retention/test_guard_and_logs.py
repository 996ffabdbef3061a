"""The journal's database guard lets the purge empty payloads, and nothing else; access logs carry no query."""

import importlib
import logging
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction

from relais.journal.models import Entry
from relais.journal.services import journal_record
from relais.retention.accesslog import AccessLogger, NoQueryFilter, strip_query
from tests.factories import AgentFactory


def test_guard_allows_emptying_a_payload_and_refuses_every_other_change(users, dpe):
    importlib.import_module("relais.journal.migrations.0002_append_only_triggers").install(connection)
    importlib.import_module("relais.retention.migrations.0001_retention_policies").install(connection)
    agent = AgentFactory(direction=dpe)
    with transaction.atomic():
        entry = journal_record(acting_user=None, action="agents.agent_update", obj=agent, payload={"a": ["x", "y"]})
    refused = [
        "UPDATE journal_entry SET action = 'autre' WHERE id = %s",
        "UPDATE journal_entry SET object_repr = 'Quelqu''un d''autre' WHERE id = %s",
        "UPDATE journal_entry SET payload = '{\"a\": 1}' WHERE id = %s",
        "UPDATE journal_entry SET payload = '{}', object_id = '0' WHERE id = %s",
        "DELETE FROM journal_entry WHERE id = %s",
    ]
    for sql in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    empty = "CAST('{}' AS jsonb)" if connection.vendor == "postgresql" else "'{}'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE journal_entry SET payload = {empty}, object_repr = '' WHERE id = %s", [entry.pk])  # noqa: S608
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.payload == {} and entry.object_repr == "" and entry.action == "agents.agent_update"


def test_the_purge_runs_under_the_guard(users, dpe):
    from relais.retention.services import purge_personal_data

    importlib.import_module("relais.journal.migrations.0002_append_only_triggers").install(connection)
    importlib.import_module("relais.retention.migrations.0001_retention_policies").install(connection)
    import datetime

    agent = AgentFactory(direction=dpe, exit_date=datetime.date(2020, 1, 1), entry_date=datetime.date(2010, 1, 1))
    with transaction.atomic():
        journal_record(acting_user=None, action="agents.agent_create", obj=agent, payload={"last_name": "Secret"})
    purge_personal_data()
    entry = Entry.objects.get(object_type="agents.agent", object_id=str(agent.pk))
    assert entry.payload == {} and entry.object_repr == ""


def test_strip_query():
    assert strip_query("GET /agents/?q=Dupont+777001 HTTP/1.1") == "GET /agents/ HTTP/1.1"
    assert strip_query('"https://relais/agents/?q=Dupont" "Firefox"') == '"https://relais/agents/" "Firefox"'
    assert strip_query("/sans-requete/") == "/sans-requete/"


def test_gunicorn_access_log_line_has_no_search_term(caplog):
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = AccessLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": "/agents/?q=Dupont%20777001", "PATH_INFO": "/agents/",
        "QUERY_STRING": "q=Dupont%20777001", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://relais.example/agents/?q=Martin", "HTTP_USER_AGENT": "Firefox",
    }  # fmt: skip
    req = SimpleNamespace(headers=[("REFERER", "https://relais.example/agents/?q=Martin")])
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    import datetime

    lines = []
    logger.access_log.handlers = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(handler)
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s %({referer}i)s')
    logger.access(resp, req, environ, datetime.timedelta(seconds=0.01))
    assert lines and "/agents/" in lines[0]
    assert "Dupont" not in lines[0] and "777001" not in lines[0] and "Martin" not in lines[0]


def test_django_request_log_has_no_search_term():
    args = ("GET /agents/?q=Dupont HTTP/1.1", "200", "5")
    record = logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s %s', args, None)
    NoQueryFilter().filter(record)
    assert record.getMessage() == '"GET /agents/ HTTP/1.1" 200 5'
