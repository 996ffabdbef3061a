"""The purge: what is past its duration is erased or pseudonymised, counted in the journal; figures stay."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from relais.accounts.enums import Role
from relais.agents.models import Agent
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Participation
from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import Ticket
from relais.journal.models import Entry
from relais.journal.services import journal_record
from relais.retention.enums import DataKind
from relais.retention.models import RetentionPolicy
from relais.retention.services import months_before, purge_personal_data
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, ParticipationFactory, VisitFactory

TODAY = timezone.localdate()
YEARS_AGO = TODAY - datetime.timedelta(days=4 * 365)
LAST_WEEK = TODAY - datetime.timedelta(days=7)


def _backdate_journal(entry: Entry, when: datetime.date) -> None:
    """Entries are append-only in Python; the test database has no guard, so plain SQL moves one back in time."""
    at = timezone.make_aware(datetime.datetime.combine(when, datetime.time(12)))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_entry SET at = %s WHERE id = %s", [connection.ops.adapt_datetimefield_value(at), entry.pk]
        )


@pytest.fixture
def history(dpe, users):
    """Departed agent `gone` (left 2 years ago, trained 4 years ago), `stays` (in post, trained 4 years ago with
    a follow-up reason), a walk-in `Yasmine` 4 years ago and one last week, a ticket closed 4 years ago with the
    caller's details and one open, a journal entry on `gone` 4 years ago."""
    site = SiteFactory(direction=dpe)
    mediator = MediatorFactory()
    gone = AgentFactory(direction=dpe, site=site, last_name="Partie", first_name="Odile", matricule="777001",
                        work_email="odile.partie@paris.fr", exit_date=TODAY - datetime.timedelta(days=730))  # fmt: skip
    stays = AgentFactory(direction=dpe, site=site, last_name="Reste", matricule="777002")
    ToolAccountFactory(agent=gone, provisioned_on=YEARS_AGO, activated_on=YEARS_AGO)
    ToolAccountFactory(agent=stays, provisioned_on=YEARS_AGO, activated_on=YEARS_AGO)
    old = ActivityFactory(visit=VisitFactory(site=site, date=YEARS_AGO, status=VisitStatus.DONE, mediators=[mediator]))
    ParticipationFactory(activity=old, agent=gone, mailbox_activated=True)
    ParticipationFactory(activity=old, agent=stays, followup_needed=True, followup_reason="rappeler mardi")
    ParticipationFactory(activity=old, agent=None, is_walk_in=True, direction=dpe, walk_in_label="Yasmine")
    removed = ParticipationFactory(activity=old, agent=None, is_walk_in=True, direction=dpe)
    removed.deleted_at = timezone.now()
    removed.save()
    recent = ActivityFactory(visit=VisitFactory(site=site, date=LAST_WEEK, status=VisitStatus.DONE))
    ParticipationFactory(activity=recent, agent=None, is_walk_in=True, direction=dpe, walk_in_label="Karim")
    closed_at = timezone.make_aware(datetime.datetime.combine(YEARS_AGO, datetime.time(10)))
    Ticket.objects.create(
        channel=Channel.PHONE, subject="Mot de passe", caller_name="Jean Appel", caller_phone="0612345678",
        caller_matricule="888001", status=Status.CLOSED, closed_at=closed_at, resolved_at=closed_at,
    )  # fmt: skip
    Ticket.objects.create(channel=Channel.PHONE, subject="Badge", caller_name="Nina Ouvert", status=Status.NEW)
    with transaction.atomic():
        entry = journal_record(acting_user=users[Role.ADMIN], action="agents.agent_update", obj=gone,
                               payload={"last_name": ["Partie", "Partie-Nom"]})  # fmt: skip
    _backdate_journal(entry, YEARS_AGO)
    return {"gone": gone, "stays": stays, "site": site}


def test_months_before_keeps_the_day_or_the_month_end():
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 12, 7), 12) == datetime.date(2025, 12, 7)
    assert months_before(datetime.date(2026, 1, 15), 3) == datetime.date(2025, 10, 15)


def test_defaults_come_with_the_migration(db):
    months = dict(RetentionPolicy.objects.values_list("kind", "months"))
    assert months == {"participations": 36, "tickets": 12, "unknown_signins": 3, "departed_agents": 12,
                      "journal_payloads": 12, "access_logs": 12, "findings": 12,
                      "import_details": 12}  # fmt: skip
    assert 6 <= months[DataKind.ACCESS_LOGS] <= 12  # CNIL: access logs 6 to 12 months


def test_purge_erases_and_pseudonymises_what_is_past_its_duration(history):
    lines = {line.kind: line.count for line in purge_personal_data()}
    gone = Agent.objects.get(pk=history["gone"].pk)
    assert gone.matricule == f"ANON-{gone.pk}" and gone.last_name == "Agent parti"
    assert (gone.first_name, gone.work_email, gone.search_text) == ("", "", "")
    assert gone.direction_id == history["stays"].direction_id and gone.exit_date  # statistics keep these
    assert gone.participations.get().mailbox_activated  # the outcome stays, attached to the pseudonym
    stays = Agent.objects.get(pk=history["stays"].pk)
    assert stays.matricule == "777002" and stays.last_name == "Reste"
    assert not Participation.objects.filter(followup_reason="rappeler mardi").exists()
    labels = set(Participation.objects.values_list("walk_in_label", flat=True))
    assert "Yasmine" not in labels and "Karim" in labels  # last week's walk-in may still be matched
    assert Participation.objects.filter(deleted_at__isnull=False).count() == 0
    old = Ticket.objects.get(subject="Mot de passe")
    assert (old.caller_phone, old.caller_matricule) == ("", "")
    assert old.caller_name == "Demandeur (coordonnées effacées)"
    assert Ticket.objects.get(subject="Badge").caller_name == "Nina Ouvert"  # open: kept
    agent_entries = Entry.objects.filter(object_type="agents.agent", object_id=str(gone.pk))
    assert all(e.payload == {} and "Partie" not in e.object_repr for e in agent_entries)
    assert lines[DataKind.DEPARTED_AGENTS] == 1 and lines[DataKind.UNKNOWN_SIGNINS] == 1
    assert lines[DataKind.PARTICIPATIONS] == 2 and lines[DataKind.TICKETS] == 1
    # Every purge is journaled as a count, one entry per kind that changed something.
    purges = {e.payload["kind"]: e.payload["count"] for e in Entry.objects.filter(action="retention.purge")}
    assert purges == {k: v for k, v in lines.items() if v}
    # A second run finds nothing left to do.
    assert sum(line.count for line in purge_personal_data()) == 0


def test_dry_run_counts_and_changes_nothing(history, capsys):
    call_command("purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert "Agents partis : 1 ligne(s) à traiter" in out and "Essai à blanc" in out
    assert Agent.objects.filter(matricule="777001").exists()
    assert Participation.objects.filter(walk_in_label="Yasmine").exists()
    assert not Entry.objects.filter(action="retention.purge").exists()


def test_a_disabled_or_longer_policy_keeps_the_data(history):
    RetentionPolicy.objects.filter(kind=DataKind.DEPARTED_AGENTS).update(is_active=False)
    RetentionPolicy.objects.filter(kind=DataKind.UNKNOWN_SIGNINS).update(months=120)
    purge_personal_data()
    assert Agent.objects.filter(matricule="777001").exists()
    assert Participation.objects.filter(walk_in_label="Yasmine").exists()


def test_findings_of_departed_agents_and_old_closed_findings_lose_their_matricule_and_texts(history, dpe):
    from relais.findings.enums import ExtractKind, FindingStatus
    from relais.findings.models import Extract, Finding

    extract = Extract.objects.create(kind=ExtractKind.IMPORT, source_name="sirh.csv", as_of=YEARS_AGO)
    common = {"family": "validity", "severity": "warning", "line": 2, "first_extract": extract, "last_extract": extract,
              "opened_at": YEARS_AGO, "direction": dpe, "column": "Code postal", "rule": "VAL-CP"}  # fmt: skip
    gone = history["gone"]
    of_gone = Finding.objects.create(matricule="777001", agent=gone, message="Ligne 2 : Odile PARTIE, 7501", **common)
    corrected = Finding.objects.create(matricule="555001", message="Ligne 3 : 7502", status=FindingStatus.CLOSED,
                                       closed_at=YEARS_AGO, **common)  # fmt: skip
    justified = Finding.objects.create(matricule="555002", message="Ligne 4 : 7503", status=FindingStatus.JUSTIFIED,
                                       justification="Mme Diallo est en détachement", **common)  # fmt: skip
    still_seen = Finding.objects.create(matricule="555003", message="Ligne 5 : 7504", status=FindingStatus.JUSTIFIED,
                                        justification="Agent logé sur site", **common)  # fmt: skip
    current = Finding.objects.create(matricule="555004", message="Ligne 6 : 7505", **common)  # open: current work
    long_ago = timezone.make_aware(datetime.datetime.combine(YEARS_AGO, datetime.time(12)))
    Finding.objects.exclude(pk=still_seen.pk).update(updated_at=long_ago)
    lines = {line.kind: line.count for line in purge_personal_data()}

    of_gone.refresh_from_db()
    assert of_gone.matricule == f"ANON-{gone.pk}" and "Odile" not in of_gone.message and of_gone.agent_id is None
    corrected.refresh_from_db(), justified.refresh_from_db()
    assert corrected.matricule == f"ANON-F{corrected.pk}" and "7502" not in corrected.message
    assert justified.matricule == f"ANON-F{justified.pk}" and "Diallo" not in justified.justification
    assert justified.status == FindingStatus.JUSTIFIED and justified.justification  # the state and its rule stay
    assert (corrected.rule, corrected.direction_id, corrected.opened_at) == ("VAL-CP", dpe.pk, YEARS_AGO)
    still_seen.refresh_from_db(), current.refresh_from_db()
    assert (still_seen.matricule, still_seen.justification) == ("555003", "Agent logé sur site")
    assert (current.matricule, current.message) == ("555004", "Ligne 6 : 7505")
    assert lines[DataKind.FINDINGS] == 2
    assert sum(line.count for line in purge_personal_data()) == 0


def test_an_old_import_record_forgets_the_lines_it_quoted_and_keeps_its_counts(db, client, users, tmp_path):
    from relais.imports.enums import ImportKind, ImportStatus
    from relais.imports.models import ImportRun
    from relais.imports.services import import_file, import_run_start

    header = "Matricule;Nom;Prénom;Direction;Grade;Date d'entrée\n"
    lines = (
        "100001;Diallo;Awa;DPE;Adjoint technique;01/02/2020\n;Sans;Matricule;DPE;;\n"
        "100002;Keita;Moussa;DPE;;32/13/2020\n"
    )
    path = tmp_path / "rh.csv"
    path.write_text(header + lines, encoding="utf-8")
    applied = import_file(
        acting_user=None, kind=ImportKind.AGENTS, file_name="rh.csv", data=path, apply_valid_rows=True
    )
    waiting = import_run_start(acting_user=users[Role.ADMIN], kind=ImportKind.AGENTS, file_name="rh2.csv",
                               data=(header + "100003;Traoré;Jacques;DPE;;\n").encode())  # fmt: skip
    assert applied.status == ImportStatus.APPLIED and applied.rejected and applied.examples["new"]
    assert waiting.status == ImportStatus.ANALYSED and waiting.staged_data
    ImportRun.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    lines_purged = {line.kind: line.count for line in purge_personal_data()}
    assert lines_purged[DataKind.IMPORT_DETAILS] == 2
    for run in ImportRun.objects.all():
        stored = repr((run.options, run.examples, run.rejected, run.notices))
        assert not any(name in stored for name in ("Diallo", "Keita", "Traoré", "32/13/2020")), stored
        assert run.staged_data is None
    applied.refresh_from_db(), waiting.refresh_from_db()
    assert (applied.count_new, applied.count_rejected, applied.status) == (2, 1, ImportStatus.APPLIED)
    assert waiting.status == ImportStatus.DISCARDED  # its rows are gone: it can no longer be applied
    client.force_login(users[Role.ADMIN])
    page = client.get(reverse("imports:run_detail", args=[applied.public_id])).content.decode()
    assert "citées par ce compte rendu ont été effacées le" in page and "Diallo" not in page
    assert sum(line.count for line in purge_personal_data()) == 0


def test_access_log_files_past_their_duration_are_deleted(db, tmp_path, settings, django_capture_on_commit_callbacks):
    import os

    settings.RELAIS_ACCESS_LOG_DIR = str(tmp_path)
    old, new = tmp_path / "access.log.1", tmp_path / "access.log"
    old.write_text("x"), new.write_text("y")
    two_years = (timezone.now() - datetime.timedelta(days=730)).timestamp()
    os.utime(old, (two_years, two_years))
    with django_capture_on_commit_callbacks(execute=True):
        lines = {line.kind: line.count for line in purge_personal_data()}
    assert lines[DataKind.ACCESS_LOGS] == 1
    assert not old.exists() and new.exists()


def _exports(client, user) -> dict[str, bytes]:
    """Every export link the dashboards show (over the whole history), and what each gives."""
    client.force_login(user)
    files = {}
    pages = [
        ("insights:adoption", {}),
        ("insights:adoption", {"jour": (YEARS_AGO + datetime.timedelta(days=1)).isoformat()}),
        ("insights:impact", {}),
        ("insights:output", {"debut": (YEARS_AGO - datetime.timedelta(days=1)).isoformat(), "fin": TODAY.isoformat()}),
    ]
    for name, params in pages:
        html = client.get(reverse(name), params).content.decode()
        for link in set(re.findall(r'href="(/indicateurs/[^"]+/export/[^"]+\.csv[^"]*)"', html)):
            link = link.replace("&amp;", "&")
            response = client.get(link)
            assert response.status_code == 200, link
            files[link] = response.content
    return files


def test_purge_leaves_the_dashboards_figures_unchanged(history, users, client):
    coordinator = users[Role.COORDINATOR]
    before = _exports(client, coordinator)
    assert len(before) > 10
    purge_personal_data()
    assert Agent.objects.filter(matricule__startswith="ANON-").count() == 1
    after = _exports(client, coordinator)
    assert after.keys() == before.keys()
    changed = [link for link in before if before[link] != after[link]]
    assert not changed, changed


def test_the_worker_runs_the_purge_every_night(db, settings, capsys):
    from django_tasks_db.models import DBTaskResult

    from relais.retention import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.RELAIS_PURGE_HOUR = 3
    call_command("purge_personal_data", "--schedule")
    call_command("purge_personal_data", "--schedule")  # a second start of the worker does not double it
    assert "déjà programmée" in capsys.readouterr().out
    queued = DBTaskResult.objects.get(task_path=tasks.TASK_NAME, status="READY")
    at = timezone.localtime(queued.run_after)
    assert (at.hour, at.minute) == (3, 0) and timezone.now() < at <= timezone.now() + datetime.timedelta(days=1)
    # The run purges, then queues the next night's.
    DBTaskResult.objects.all().delete()
    tasks.purge_nightly.call()
    assert DBTaskResult.objects.filter(task_path=tasks.TASK_NAME, status="READY").count() == 1
