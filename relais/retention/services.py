"""The purge of personal data past its retention duration (`purge_personal_data`, nightly by the worker).

Each kind is purged set-based (one UPDATE or DELETE per kind), inside one transaction with one journal entry
per kind giving the count. What statistics read stays: directions, categories, dates, outcomes and the
agents' rows themselves (pseudonymised, not deleted), so the dashboards' figures do not move.
"""

import datetime
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from relais.accounts.services import sessions_forget_expired
from relais.agents.models import Agent
from relais.fieldwork.models import Participation
from relais.findings.enums import FindingStatus
from relais.findings.models import Finding
from relais.helpdesk.enums import Status
from relais.helpdesk.models import Ticket, TicketMessage
from relais.imports.enums import ImportStatus
from relais.imports.models import ImportRun
from relais.journal.models import Entry
from relais.journal.services import journal_record
from relais.retention.enums import DataKind
from relais.retention.models import DEFAULTS, RetentionPolicy

logger = logging.getLogger(__name__)

PSEUDONYM_PREFIX = "ANON-"
PSEUDONYM_NAME = "Agent parti"
ERASED_CALLER = "Demandeur (coordonnées effacées)"
FINDING_ERASED = "Constat ancien : détail effacé (durée de conservation)."
JUSTIFICATION_ERASED = "Justification effacée (durée de conservation)."


@dataclass
class PurgeLine:
    kind: str
    label: str
    months: int
    before: datetime.date
    count: int
    active: bool = True


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first instant of `day`, local time: what is older than a date is older than this."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def policies() -> dict[str, RetentionPolicy]:
    """Every kind's policy; a kind missing from the table (a flushed test database) gets its default row."""
    found = {p.kind: p for p in RetentionPolicy.objects.all()}
    for kind, (months, effect) in DEFAULTS.items():
        if kind not in found:
            found[kind], _ = RetentionPolicy.objects.get_or_create(
                kind=kind, defaults={"months": months, "effect": effect}
            )
    return found


def _participations(before):
    old = Q(activity__visit__date__lt=before)
    texts = Participation.objects.filter(old).exclude(followup_reason="")
    deleted = Participation.objects.filter(
        old
        & (
            Q(deleted_at__isnull=False)
            | Q(activity__deleted_at__isnull=False)
            | Q(activity__visit__deleted_at__isnull=False)
        )
    )
    return texts, deleted


def _unknown_signins(before):
    return Participation.objects.filter(agent__isnull=True, activity__visit__date__lt=before).exclude(walk_in_label="")


def _tickets(before):
    moment = _start_of(before)
    done = Q(status__in=[Status.RESOLVED, Status.CLOSED, Status.DUPLICATE]) & (
        Q(closed_at__lt=moment)
        | Q(closed_at__isnull=True, resolved_at__lt=moment)
        | Q(closed_at__isnull=True, resolved_at__isnull=True, updated_at__lt=moment)
    )
    filled = ~(
        Q(caller_name__in=["", ERASED_CALLER])
        & Q(caller_phone="")
        & Q(caller_email="")
        & Q(caller_matricule="")
        & Q(caller_site="")
    )
    return Ticket.objects.filter(done), filled


def _departed(before):
    return Agent.objects.filter(exit_date__lt=before).exclude(matricule__startswith=PSEUDONYM_PREFIX)


def _journal(before):
    return Entry.objects.filter(at__lt=_start_of(before)).exclude(payload={}).exclude(action__startswith="retention.")


def _access_log_files(before) -> list[Path]:
    folder = getattr(settings, "RELAIS_ACCESS_LOG_DIR", "")
    if not folder or not Path(folder).is_dir():
        return []
    limit = _start_of(before).timestamp()
    return [p for p in Path(folder).iterdir() if p.is_file() and p.stat().st_mtime < limit]


def _journal_blank(entry_ids_sql: str, params, *, repr_too: bool) -> int:
    """Empty the payload (and the object's text) of journal entries: the one change the journal allows.

    The journal's database guard (journal migration 0002, relaxed by retention migration 0001) lets an
    UPDATE through only when it empties these two columns and touches nothing else.
    """
    table = Entry._meta.db_table
    empty = "CAST('{}' AS jsonb)" if connection.vendor == "postgresql" else "'{}'"
    repr_sql = ", object_repr = ''" if repr_too else ""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET payload = {empty}{repr_sql} WHERE id IN ({entry_ids_sql})", params)  # noqa: S608
        return cursor.rowcount


def purge_personal_data(
    *, acting_user=None, dry_run: bool = False, today: datetime.date | None = None
) -> list[PurgeLine]:
    """Erase or pseudonymise what is past its duration; one journal entry per kind with its count."""
    today = today or timezone.localdate()
    lines = []
    with transaction.atomic():
        for kind, policy in sorted(policies().items()):
            before = months_before(today, policy.months)
            line = PurgeLine(kind, DataKind(kind).label, policy.months, before, 0, policy.is_active)
            lines.append(line)
            if not policy.is_active:
                continue
            line.count = _purge_kind(kind, before, dry_run=dry_run)
            if line.count and not dry_run:
                journal_record(
                    acting_user=acting_user,
                    action="retention.purge",
                    obj=policy,
                    payload={"kind": kind, "count": line.count, "before": before.isoformat()},
                )
        if not dry_run:
            # Sessions that are over have no duration to choose: they go every night (a sign-in also clears them).
            sessions_forget_expired()
    return lines


def _purge_kind(kind: str, before: datetime.date, *, dry_run: bool) -> int:
    if kind == DataKind.PARTICIPATIONS:
        texts, deleted = _participations(before)
        if dry_run:
            return texts.count() + deleted.count()
        count = Participation.objects.filter(pk__in=list(texts.values_list("pk", flat=True))).update(followup_reason="")
        deleted_ids = list(deleted.values_list("pk", flat=True))
        count += len(deleted_ids)
        Participation.objects.filter(pk__in=deleted_ids).delete()
        return count
    if kind == DataKind.UNKNOWN_SIGNINS:
        rows = _unknown_signins(before)
        if dry_run:
            return rows.count()
        return Participation.objects.filter(pk__in=list(rows.values_list("pk", flat=True))).update(walk_in_label="")
    if kind == DataKind.TICKETS:
        done, filled = _tickets(before)
        tickets = done.filter(filled)
        messages = TicketMessage.objects.filter(ticket__in=done.values("pk")).exclude(sender_email="")
        if dry_run:
            return tickets.count() + messages.count()
        count = Ticket.objects.filter(pk__in=list(tickets.values_list("pk", flat=True))).update(
            # A ticket without a known requester must name its caller (a database rule): a placeholder does.
            caller_name=Case(When(requester__isnull=True, then=Value(ERASED_CALLER)), default=Value("")),
            caller_phone="",
            caller_email="",
            caller_matricule="",
            caller_site="",
        )
        return count + TicketMessage.objects.filter(pk__in=list(messages.values_list("pk", flat=True))).update(
            sender_email=""
        )
    if kind == DataKind.DEPARTED_AGENTS:
        return _pseudonymise_agents(_departed(before), dry_run=dry_run)
    if kind == DataKind.JOURNAL_PAYLOADS:
        rows = _journal(before)
        if dry_run:
            return rows.count()
        sql, params = rows.values("pk").query.sql_with_params()
        return _journal_blank(sql, params, repr_too=False)
    if kind == DataKind.ACCESS_LOGS:
        files = _access_log_files(before)
        if not dry_run:
            for path in files:
                # Deleted after the commit: a rolled-back purge must not have removed anything.
                transaction.on_commit(lambda p=path: p.unlink(missing_ok=True))
        return len(files)
    if kind == DataKind.FINDINGS:
        rows = _closed_findings(before)
        if dry_run:
            return rows.count()
        return _pseudonymise_findings(rows.values("pk"), f"{PSEUDONYM_PREFIX}F", "id")
    if kind == DataKind.IMPORT_DETAILS:
        runs = _import_runs(before)
        if dry_run:
            return runs.count()
        return _erase_import_details(runs, today=timezone.localdate())
    raise ValueError(kind)


# What an import's record quotes of its file's lines (names, matricules, values), as opposed to its counts.
QUOTED_EXAMPLES = ("new", "updated", "leaving", "unmatched", "warnings")
QUOTED_OPTIONS = ("read_errors", "identifier_warnings", "proposal")
NOT_STARTED = (ImportStatus.PENDING, ImportStatus.MAPPING, ImportStatus.ANALYSED)


def _import_runs(before):
    """Import runs recorded before `before` whose record still quotes lines of their file."""
    return ImportRun.objects.filter(created_at__lt=_start_of(before)).exclude(options__has_key="details_erased")


def _erase_import_details(runs, *, today: datetime.date) -> int:
    """Empty what each run quotes of its file (rejected lines, examples, warnings, findings shown, staged rows);
    the counts, file name, dates and columns stay. A run never applied can no longer be: it is discarded."""
    count = 0
    for run in runs.only("pk", "status", "options", "examples").iterator(chunk_size=500):
        options = {k: v for k, v in (run.options or {}).items() if k not in QUOTED_OPTIONS}
        if isinstance(options.get("findings"), dict):
            checks = options["findings"] = {**options["findings"], "shown": []}
            if isinstance(checks.get("counts"), dict) and checks["counts"].get("systematic"):
                checks["counts"] = {
                    **checks["counts"],
                    "systematic": [{**entry, "example": ""} for entry in checks["counts"]["systematic"]],
                }
        options["details_erased"] = today.isoformat()
        examples = {k: v for k, v in (run.examples or {}).items() if k not in QUOTED_EXAMPLES}
        changes = {"options": options, "examples": examples, "rejected": [], "staged_data": None}
        if run.status in NOT_STARTED:
            changes["status"] = ImportStatus.DISCARDED
        ImportRun.objects.filter(pk=run.pk).update(**changes)
        count += 1
    return count


def _closed_findings(before):
    """Findings corrected, or justified, and not seen by any extract since `before` (an open one is current work)."""
    moment = _start_of(before)
    return Finding.objects.filter(
        status__in=[FindingStatus.CLOSED, FindingStatus.JUSTIFIED], updated_at__lt=moment
    ).exclude(matricule__startswith=PSEUDONYM_PREFIX)


def _pseudonymise_findings(ids, prefix: str, suffix_column: str) -> int:
    """Findings `ids` (a queryset of pks) lose their matricule (`prefix` + their `suffix_column`: the key stays
    unique), their text and their justification's text; rule, family, severity, column, direction, HR manager,
    state and dates stay, so the reliability figures of past months do not move."""
    sql, params = ids.query.sql_with_params()
    table = Finding._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET matricule = %s || CAST({suffix_column} AS TEXT), message = %s, agent_id = NULL, "  # noqa: S608
            f"justification = CASE WHEN status = %s THEN %s ELSE '' END, updated_at = %s "
            f"WHERE id IN ({sql})",
            [
                prefix,
                FINDING_ERASED,
                FindingStatus.JUSTIFIED,
                JUSTIFICATION_ERASED,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                *params,
            ],  # fmt: skip
        )
        return cursor.rowcount


def _pseudonymise_agents(agents, *, dry_run: bool) -> int:
    """Replace a departed agent's identity by a pseudonym; direction, service, site, category, filière,
    statut and dates stay (the figures of past days count them). Their journal entries lose payload and text,
    their findings their matricule and texts.
    """
    ids = list(agents.values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    table = Agent._meta.db_table
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            # One statement: the pseudonym is the row's own id, so that the matricule stays unique.
            cursor.execute(
                f"UPDATE {table} SET matricule = %s || CAST(id AS TEXT), last_name = %s, first_name = '', "  # noqa: S608
                f"usage_name = '', job_title = '', work_phone = '', work_email = '', hr_manager_id = NULL, "
                f"search_text = '', updated_at = %s WHERE id IN ({marks})",
                [PSEUDONYM_PREFIX, PSEUDONYM_NAME, connection.ops.adapt_datetimefield_value(timezone.now()), *chunk],
            )
        # Their findings take the agent's pseudonym (one agent, one pseudonym: the findings' key stays unique).
        _pseudonymise_findings(Finding.objects.filter(agent_id__in=chunk).values("pk"), PSEUDONYM_PREFIX, "agent_id")
        entries = Entry.objects.filter(object_type=Agent._meta.label_lower, object_id__in=[str(i) for i in chunk])
        sql, params = entries.values("pk").query.sql_with_params()
        _journal_blank(sql, params, repr_too=True)
    return len(ids)
