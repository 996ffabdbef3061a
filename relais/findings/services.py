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
from relais.findings.engine import MASKED, Reference
from relais.findings.enums import ExtractKind, FindingStatus
from relais.findings.models import Extract, Finding
from relais.journal.services import journal_record, journal_record_rows

CHUNK = 2000
CREATED_BY_IMPORTS = frozenset({"REF-DIRECTION", "REF-SERVICE"})


def extract_create(*, acting_user, kind: str, source_name: str, as_of: datetime.date, findings: pl.DataFrame,
                   rows: int, full: bool = True, import_run=None, counts: dict | None = None,
                   matricules=None) -> Extract:  # fmt: skip
    """An extract checked, not recorded yet (an import's dry run): its findings staged (and, when partial, the
    matricules of its files)."""
    from relais.findings.inflight import to_parquet

    files = None
    if not full and matricules is not None:
        files = to_parquet(pl.DataFrame({"matricule": pl.Series(matricules, dtype=pl.String)}).unique())
    return Extract.objects.create(
        staged_files=files,
        kind=kind, source_name=source_name[:255], as_of=as_of, rows=rows, full=full, import_run=import_run,
        created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        findings_count=findings.height, counts=counts or {}, staged=to_parquet(findings),
    )  # fmt: skip


def extract_record(*, acting_user, extract: Extract, findings: pl.DataFrame | None = None) -> Extract:
    """Merge an extract's findings into the followed ones (see the module's rules); in one transaction."""
    from relais.findings.inflight import from_parquet

    started = time.perf_counter()
    if findings is None:
        findings = from_parquet(extract.staged) if extract.staged is not None else pl.DataFrame()
    followed = (
        findings.filter((pl.col("matricule") != "") & (pl.col("matricule") != MASKED)) if findings.height else findings
    )
    followed = (
        followed.unique(["rule", "matricule", "column"], keep="first", maintain_order=True)
        if followed.height
        else followed
    )
    if extract.kind == ExtractKind.IMPORT and followed.height:
        # An applied import has created the directions and services it did not know (its dry run said which):
        # the referential findings were for the dry run to show, there is nothing left to follow.
        followed = followed.filter(~pl.col("rule").is_in(list(CREATED_BY_IMPORTS)))
    as_of = extract.as_of
    with transaction.atomic():
        directions = Reference.load().directions
        matricules = followed.get_column("matricule").unique().to_list() if followed.height else []
        # An agent of the referential is filed under their direction and the HR manager the import gave them;
        # a file Relais does not hold (hr_quality) under the extract's values, its HR manager found or created.
        agents = {}
        for start in range(0, len(matricules), CHUNK):
            chunk = matricules[start : start + CHUNK]
            for matricule, pk, direction_id, manager_id in Agent.objects.filter(matricule__in=chunk).values_list(
                "matricule", "id", "direction_id", "hr_manager_id"
            ):
                agents[matricule] = (pk, direction_id, manager_id)
        # An import has decided the agents' HR managers itself; a check alone names one for files that have none.
        resolved = [
            m for m, (_pk, _d, manager_id) in agents.items() if manager_id or extract.kind == ExtractKind.IMPORT
        ]
        unknown = followed.filter(~pl.col("matricule").is_in(resolved)) if followed.height else followed
        labels = unknown.get_column("hr_manager").unique().to_list() if unknown.height else []
        known = set(HRManager.objects.values_list("pk", flat=True)) if labels else set()
        managers = {label: m.pk for label, m in resolve(labels).items() if m is not None} if labels else {}
        created = {m.pk: m.label for m in HRManager.objects.filter(pk__in=set(managers.values()) - known)}
        journal_record_rows(acting_user=acting_user, action="hr_manager.import", model=HRManager,
                            rows=((pk, label, {"constats": str(extract.public_id)}) for pk, label in created.items()))  # fmt: skip
        existing = {
            (r, m, c): (pk, status)
            for pk, r, m, c, status in Finding.objects.values_list("pk", "rule", "matricule", "column", "status")
        }
        fresh, refreshed, reopen = [], [], []
        seen = set()
        for row in followed.iter_rows(named=True):
            key = (row["rule"], row["matricule"], row["column"])
            seen.add(key)
            if row["matricule"] in agents:
                agent_id, direction_id, manager_id = agents[row["matricule"]]
                manager_id = manager_id or managers.get(row["hr_manager"])
            else:
                agent_id, direction_id = None, directions.get(fold(row["direction"] or ""))
                manager_id = managers.get(row["hr_manager"])
            values = {
                "family": row["family"], "severity": row["severity"], "line": row["line"],
                "message": row["message"][:500], "agent_id": agent_id, "direction_id": direction_id,
                "hr_manager_id": manager_id, "last_extract": extract,
            }  # fmt: skip
            if key in existing:
                pk, status = existing[key]
                finding = Finding(pk=pk, rule=key[0], matricule=key[1], column=key[2], **values)
                finding.status = status
                if status == FindingStatus.CLOSED:
                    finding.status, finding.closed_at, finding.opened_at = FindingStatus.OPEN, None, as_of
                    reopen.append(finding)
                refreshed.append(finding)
            else:
                fresh.append(Finding(rule=key[0], matricule=key[1], column=key[2], status=FindingStatus.OPEN,
                                     opened_at=as_of, first_extract=extract, **values))  # fmt: skip
        now = timezone.now()
        for f in fresh:
            f.created_at = f.updated_at = now
        Finding.objects.bulk_create(fresh, batch_size=CHUNK)
        for f in refreshed:
            f.updated_at = now
        fields = ["family", "severity", "line", "message", "agent_id", "direction_id", "hr_manager_id", "last_extract",
                  "updated_at"]  # fmt: skip
        Finding.objects.bulk_update(refreshed, fields, batch_size=CHUNK)
        if reopen:
            Finding.objects.bulk_update(reopen, ["status", "closed_at", "opened_at"], batch_size=CHUNK)
        # Close what this extract no longer shows: every file when it is full, else only the files it holds.
        in_file = set(matricules) | (set(findings.get_column("matricule").to_list()) if findings.height else set())
        if not extract.full and extract.staged_files is not None:
            in_file |= set(from_parquet(extract.staged_files).get_column("matricule").to_list())
        to_close = [
            pk
            for key, (pk, status) in existing.items()
            if status == FindingStatus.OPEN and key not in seen and (extract.full or key[1] in in_file)
        ]
        for start in range(0, len(to_close), CHUNK):
            Finding.objects.filter(pk__in=to_close[start : start + CHUNK]).update(
                status=FindingStatus.CLOSED, closed_at=as_of, updated_at=now
            )
        extract.opened, extract.closed = len(fresh) + len(reopen), len(to_close)
        extract.recorded_at, extract.staged, extract.staged_files = now, None, None
        extract.duration = (extract.duration or 0) + time.perf_counter() - started
        extract.save()
        if extract.opened or extract.closed:  # the same extract twice changes nothing, and says nothing
            journal_record(acting_user=acting_user, action="findings.extract_record", obj=extract,
                           payload={"fichier": extract.source_name, "constats": extract.findings_count,
                                    "ouverts": extract.opened, "corriges": extract.closed})  # fmt: skip
    return extract


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
                       payload={"regle": finding.rule, "matricule": finding.matricule, "raison": reason[:200]})  # fmt: skip
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
    names = ", ".join(f"{m['label']} ({m['open']} constat{'s' if m['open'] > 1 else ''})" for m in managers)
    agents = list(Agent.objects.filter(pk__in=[m["agent_id"] for m in managers if m["agent_id"]], direction=direction))
    with transaction.atomic():
        request = intervention_submit(
            acting_user=acting_user,
            direction=direction,
            title=f"Fiabilité des données RH : accompagner {len(managers)} gestionnaire{'s' if len(managers) > 1 else ''} RH"[
                :160
            ],
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
