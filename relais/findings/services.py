# ruff: noqa: S608 - SQL here is assembled from constant identifiers; values always go as parameters.
"""Every write on findings: recording an extract's findings (open, refresh, close), justifying one, and turning a
direction's HR managers with the most open findings into an intervention request.

Rules enforced here:
- a finding's key is (rule, matricule, column); an extract that shows it again keeps it open (line and message
  refreshed, a closed one reopened), an extract that no longer shows it closes it with the extract's date — for
  the files the extract holds, or for every file when it is full; a justified finding stays justified;
- findings without a matricule (or with one shaped like a NIR) are reported but not followed;
- one journal entry per extract recorded, per justification, per request made.
"""

import datetime
import time

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from relais.agents.hr_managers import resolve
from relais.agents.models import Agent, HRManager
from relais.core.text import fold
from relais.findings import permissions
from relais.findings.engine import SCHEMA, Reference
from relais.findings.enums import ExtractKind, FindingStatus
from relais.findings.models import Extract, Finding
from relais.imports.identifiers import MASKED_VALUE
from relais.journal.services import journal_record, journal_record_rows

CREATED_BY_IMPORTS = frozenset({"REF-DIRECTION", "REF-SERVICE"})


def extract_create(*, acting_user, kind: str, source_name: str, as_of: datetime.date, findings: pl.DataFrame,
                   rows: int, full: bool = True, import_run=None, counts: dict | None = None,
                   matricules=None, stage: bool = True) -> Extract:  # fmt: skip
    """An extract checked, not recorded yet (an import's dry run): its findings staged (and, when partial, the
    matricules of its files). `stage=False` when `extract_record` is given the findings right after."""
    from relais.findings.inflight import to_parquet

    files = None
    if not full and matricules is not None:
        files = to_parquet(pl.DataFrame({"matricule": pl.Series(matricules, dtype=pl.String)}).unique())
    return Extract.objects.create(
        staged_files=files,
        kind=kind, source_name=source_name[:255], as_of=as_of, rows=rows, full=full, import_run=import_run,
        created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        findings_count=findings.height, counts=counts or {}, staged=to_parquet(findings) if stage else None,
    )  # fmt: skip


STAGE, LABELS_STAGE, FILES_STAGE = "findings_stage_finding", "findings_stage_manager", "findings_stage_file"
STAGE_COLUMNS = {"rule": "text", "matricule": "text", "colname": "text", "family": "text", "severity": "text",
                 "line": "bigint", "message": "text", "hr_label": "text", "direction_fallback": "bigint",
                 "manager_fallback": "bigint", "public_id": "uuid"}  # fmt: skip
KEY = "f.rule = s.rule AND f.matricule = s.matricule AND f.column_header = s.colname"


def extract_record(*, acting_user, extract: Extract, findings: pl.DataFrame | None = None) -> Extract:
    """Merge an extract's findings into the followed ones (see the module's rules); set-based, in one transaction.

    The findings are staged and merged with a few statements (a messy million-row extract may hold as many
    findings): refresh those seen again, reopen the closed ones among them, insert the new ones, close the open
    ones this extract did not see. An agent of the referential is filed under their direction and the HR manager
    the import gave them; a file Relais does not hold (or, for a check alone, a file without an HR manager) under
    the extract's direction and HR manager, found or created in the HR managers' referential.
    """
    from django.db import connection

    from relais.findings.inflight import from_parquet
    from relais.imports import sql

    started = time.perf_counter()
    if findings is None:
        findings = from_parquet(extract.staged) if extract.staged is not None else pl.DataFrame(schema=SCHEMA)
    followed = findings.filter((pl.col("matricule") != "") & (pl.col("matricule") != MASKED_VALUE))
    followed = followed.unique(["rule", "matricule", "column"], keep="first", maintain_order=True)
    is_import = extract.kind == ExtractKind.IMPORT
    if is_import:
        # An applied import has created the directions and services it did not know (its dry run said which):
        # the referential findings were for the dry run to show, there is nothing left to follow.
        followed = followed.filter(~pl.col("rule").is_in(list(CREATED_BY_IMPORTS)))
    as_of = extract.as_of
    db_date = connection.ops.adapt_datefield_value(as_of)
    with transaction.atomic(), connection.cursor() as cursor:
        now = timezone.now()
        db_now = connection.ops.adapt_datetimefield_value(now)
        directions = Reference.load().directions
        labels = followed.get_column("direction").unique().to_list()
        fallback = {v: directions.get(fold(v or "")) for v in labels}
        stage = followed.select(
            "rule", "matricule", pl.col("column").alias("colname"), "family", "severity", "line",
            pl.col("message").str.slice(0, 500), pl.col("hr_manager").fill_null("").alias("hr_label"),
            pl.col("direction").replace_strict(fallback, default=None, return_dtype=pl.Int64)
            .alias("direction_fallback"),
            pl.lit(None, dtype=pl.Int64).alias("manager_fallback"),
        ).with_columns(public_id=sql.new_uuids(followed.height))  # fmt: skip
        sql.create_stage(cursor, STAGE, STAGE_COLUMNS)
        sql.load_stage(cursor, STAGE, stage, keys=("rule", "matricule", "colname"))
        del stage
        _stage_managers(cursor, acting_user=acting_user, extract=extract, is_import=is_import)
        agent_manager = (
            "CASE WHEN a.id IS NOT NULL AND (a.hr_manager_id IS NOT NULL OR %s) THEN a.hr_manager_id "
            "ELSE s.manager_fallback END"
        )
        # Seen again: refreshed (and reopened below when closed); a justified one keeps its state.
        cursor.execute(
            f"UPDATE findings_finding SET family = s.family, severity = s.severity, line = s.line, "
            f"message = s.message, last_extract_id = %s, updated_at = %s, agent_id = a.id, "
            f"direction_id = COALESCE(a.direction_id, s.direction_fallback), hr_manager_id = {agent_manager} "
            f"FROM {STAGE} s LEFT JOIN agents_agent a ON a.matricule = s.matricule "
            f"WHERE {KEY.replace('f.', 'findings_finding.')}",
            [extract.pk, db_now, is_import],
        )
        cursor.execute(
            "UPDATE findings_finding SET status = %s, closed_at = NULL, opened_at = %s "
            "WHERE status = %s AND last_extract_id = %s",
            [FindingStatus.OPEN, db_date, FindingStatus.CLOSED, extract.pk],
        )
        reopened = cursor.rowcount
        cursor.execute(
            f"INSERT INTO findings_finding (public_id, created_at, updated_at, rule, family, severity, matricule, "
            f"column_header, line, message, agent_id, hr_manager_id, direction_id, status, first_extract_id, "
            f"last_extract_id, opened_at, justification) "
            f"SELECT s.public_id, %s, %s, s.rule, s.family, s.severity, s.matricule, s.colname, s.line, s.message, "
            f"a.id, {agent_manager}, COALESCE(a.direction_id, s.direction_fallback), %s, %s, %s, %s, '' "
            f"FROM {STAGE} s LEFT JOIN agents_agent a ON a.matricule = s.matricule "
            f"WHERE NOT EXISTS (SELECT 1 FROM findings_finding f WHERE {KEY})",
            [db_now, db_now, is_import, FindingStatus.OPEN, extract.pk, extract.pk, db_date],
        )
        inserted = cursor.rowcount
        # Not seen by this extract: closed at its date — every file when it is full, else only the files it holds.
        close = (
            "UPDATE findings_finding SET status = %s, closed_at = %s, updated_at = %s "
            "WHERE status = %s AND last_extract_id <> %s"
        )
        params = [FindingStatus.CLOSED, db_date, db_now, FindingStatus.OPEN, extract.pk]
        if not extract.full:
            files = set(findings.get_column("matricule").to_list())
            if extract.staged_files is not None:
                files |= set(from_parquet(extract.staged_files).get_column("matricule").to_list())
            sql.create_stage(cursor, FILES_STAGE, {"matricule": "text"})
            held = pl.DataFrame({"matricule": sorted(files)}, schema={"matricule": pl.String})
            sql.load_stage(cursor, FILES_STAGE, held, keys=("matricule",))
            close += f" AND matricule IN (SELECT matricule FROM {FILES_STAGE})"
        cursor.execute(close, params)
        closed = cursor.rowcount
        sql.drop_stage(cursor, FILES_STAGE)
        sql.drop_stage(cursor, STAGE)
        extract.opened, extract.closed = inserted + reopened, closed
        extract.recorded_at, extract.staged, extract.staged_files = now, None, None
        extract.duration = (extract.duration or 0) + time.perf_counter() - started
        extract.save()
        if extract.opened or extract.closed:  # the same extract twice changes nothing, and says nothing
            journal_record(acting_user=acting_user, action="findings.extract_record", obj=extract,
                           payload={"fichier": extract.source_name, "constats": extract.findings_count,
                                    "ouverts": extract.opened, "corriges": extract.closed})  # fmt: skip
    return extract


def _stage_managers(cursor, *, acting_user, extract: Extract, is_import: bool) -> None:
    """HR managers for the staged findings the referential cannot file: found or created by label (journaled)."""
    from relais.imports import sql

    cursor.execute(
        f"SELECT DISTINCT s.hr_label FROM {STAGE} s LEFT JOIN agents_agent a ON a.matricule = s.matricule "
        f"WHERE s.hr_label <> '' AND (a.id IS NULL OR (a.hr_manager_id IS NULL AND NOT %s))",
        [is_import],
    )
    labels = [row[0] for row in cursor.fetchall()]
    if not labels:
        return
    known = set(HRManager.objects.values_list("pk", flat=True))
    managers = {label: m.pk for label, m in resolve(labels).items() if m is not None}
    created = {m.pk: m.label for m in HRManager.objects.filter(pk__in=set(managers.values()) - known)}
    journal_record_rows(acting_user=acting_user, action="hr_manager.import", model=HRManager,
                        rows=((pk, label, {"constats": str(extract.public_id)})
                              for pk, label in created.items()))  # fmt: skip
    ids = pl.DataFrame({"label": list(managers), "manager_id": list(managers.values())},
                       schema={"label": pl.String, "manager_id": pl.Int64})  # fmt: skip
    sql.create_stage(cursor, LABELS_STAGE, {"label": "text", "manager_id": "bigint"})
    sql.load_stage(cursor, LABELS_STAGE, ids, keys=("label",))
    cursor.execute(
        f"UPDATE {STAGE} SET manager_fallback = m.manager_id FROM {LABELS_STAGE} m WHERE m.label = {STAGE}.hr_label"
    )
    sql.drop_stage(cursor, LABELS_STAGE)


def finding_justify(*, acting_user, finding: Finding, reason: str) -> Finding:
    """Mark an open finding justified (the file is right as it is); the reason is required and journaled."""
    if not permissions.can_justify_finding(acting_user, finding):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Indiquez pourquoi ce constat est justifié : la raison est gardée avec lui.")
    if finding.status != FindingStatus.OPEN:
        raise ValidationError("Seul un constat ouvert peut être justifié.")
    with transaction.atomic():
        finding.status, finding.justification = FindingStatus.JUSTIFIED, reason[:2000]
        finding.justified_by, finding.justified_at = acting_user, timezone.now()
        finding.save()
        journal_record(acting_user=acting_user, action="findings.justify", obj=finding,
                       payload={"regle": finding.rule, "matricule": finding.matricule,
                                "raison": reason[:200]})  # fmt: skip
    return finding


def findings_request_intervention(*, acting_user, direction, top: int = 3):
    """One click: the direction's HR managers with the most open findings become an intervention request.

    The counts at the request's date are kept (`InterventionFindings`) so that its assessment compares them with
    the findings open now."""
    from relais.findings.models import InterventionFindings
    from relais.findings.selectors import top_managers
    from relais.interventions.services import intervention_submit

    managers = top_managers(direction=direction, limit=top)
    if not managers:
        raise ValidationError("Aucun constat ouvert dans cette direction : rien à demander.")
    plural = "s" if len(managers) > 1 else ""
    names = ", ".join(f"{m['label']} ({m['open']} constat{'s' if m['open'] > 1 else ''})" for m in managers)
    agents = list(Agent.objects.filter(pk__in=[m["agent_id"] for m in managers if m["agent_id"]], direction=direction))
    with transaction.atomic():
        request = intervention_submit(
            acting_user=acting_user,
            direction=direction,
            title=f"Fiabilité des données RH : accompagner {len(managers)} gestionnaire{plural} RH",
            goal="Aider les gestionnaires RH qui ont le plus de constats ouverts à corriger et fiabiliser les dossiers "
            "des agents (erreurs de paie évitées).",
            agents=agents,
            population_note=f"Gestionnaires RH : {names}.",
        )
        record = InterventionFindings.objects.create(
            request=request, direction=direction, counts_before={str(m["id"]): m["open"] for m in managers},
            total_before=sum(m["open"] for m in managers),
        )  # fmt: skip
        record.managers.set([m["id"] for m in managers])
        journal_record(acting_user=acting_user, action="findings.request_intervention", obj=record,
                       payload={"direction": direction.code, "gestionnaires": len(managers)})  # fmt: skip
    return request
