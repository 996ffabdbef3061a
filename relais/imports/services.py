"""Import runs: read a file, show what it would change (dry run), apply it in one transaction, record it.

Rules enforced here:
- the uploaded file is never stored; only the columns Relais may hold are staged, as Parquet;
- a dry run writes nothing but its own record; applying re-reads the staged rows and writes
  everything or nothing (one transaction, journal included);
- by default a file with rejected lines applies nothing; `apply_valid_rows` applies the others;
- large files (more than BACKGROUND_ROWS lines) are analysed and applied by a background task.
"""

import datetime
import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from relais.findings import inflight
from relais.findings.columns import check_columns
from relais.imports import adoption, agents, identifiers, locks, pix
from relais.imports.columns import (
    AGENT_FIELDS,
    custom_aliases,
    forbidden_notice,
    header_key,
    is_forbidden,
    match_headers,
    missing_required,
    required_message,
)
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.mapping import (
    DATE_FIELDS,
    IGNORE,
    MAPPABLE_KINDS,
    Proposal,
    find_profile,
    header_set,
    ignored_headers,
    mapped_frame,
    problems,
    propose,
    read_raw,
)
from relais.imports.models import ImportProfile, ImportRun
from relais.imports.reading import ImportFileError, read_table
from relais.journal.services import journal_record

BACKGROUND_ROWS = 5000
# Columns whose own check refuses a NIR-shaped value with a message of its own (the line is rejected).
SCREENED_ELSEWHERE = {ImportKind.AGENTS: ("matricule",)}
# An agents import reads the NIR and bank columns for the HR data-reliability checks only (relais/findings).
MAX_REJECTED_KEPT = 100_000
# Warnings ride with the examples, read by every report page: fewer are kept (the count stays exact).
MAX_WARNINGS_KEPT = 10_000
STALE_AFTER = datetime.timedelta(minutes=30)


@dataclass
class ReadFile:
    """A file read and mapped: the rows Relais may hold and what the administrator must be told."""

    frame: pl.DataFrame
    options: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    read_errors: list[list] = field(default_factory=list)
    checks: object = None  # relais.findings.engine.CheckResult: the HR data-reliability checks run in flight


def read_file(*, kind: str, data: bytes | Path, source: str = "", profile=None) -> ReadFile:
    """Read and map a file; raises ImportFileError (French message) when it cannot be imported at all.

    `profile`: an import profile whose mapping and date orders are used; refused when the file's headers
    do not hold every column it reads. Cells holding a NIR or an IBAN are emptied (`_screened`).
    """
    return _screened(_read_file(kind=kind, data=data, source=source, profile=profile), kind)


def _screened(read: ReadFile, kind: str) -> ReadFile:
    """The read with every kept cell holding a NIR or an IBAN left empty, each one a warning (issue 16 §2b).

    Done before anything is staged: such a value never reaches the database, not even the staged rows.
    """
    read.frame, masked = identifiers.screen(read.frame, skip=SCREENED_ELSEWHERE.get(kind, ()))
    read.options["identifier_warnings"] = masked[:MAX_WARNINGS_KEPT]
    read.options["identifier_warnings_count"] = len(masked)
    return read


def _read_file(*, kind: str, data: bytes | Path, source: str = "", profile=None) -> ReadFile:
    from relais.imports.mapping import profile_misfit

    extra = dict(profile.mapping) if profile is not None else {}
    date_orders = dict(profile.date_orders) if profile is not None else {}

    def fits(headers):
        if profile is not None and (misfit := profile_misfit(profile, headers)):
            raise ImportFileError(misfit)

    if kind == ImportKind.ADOPTION:
        source = source or (profile.source if profile is not None else "")
        frame, options, notices, read_errors = adoption.read(data, source=source, extra=extra, check=fits)
        if profile is not None:
            options["profile"] = profile.name
        options["date_orders"] = date_orders
        return ReadFile(frame=frame, options=options, notices=notices, read_errors=read_errors)
    if kind == ImportKind.PIX:
        frame, options, notices, read_errors = pix.read(data)
        return ReadFile(frame=frame, options=options, notices=notices, read_errors=read_errors)
    aliases = {**custom_aliases(ImportKind.AGENTS), **extra}
    holder = {}

    def select(headers):
        fits(headers)
        holder["mapping"] = mapping = match_headers(headers, AGENT_FIELDS, extra=aliases)
        missing = missing_required(mapping, AGENT_FIELDS)
        if missing:
            raise ImportFileError(required_message(missing, AGENT_FIELDS))
        # The HR data-reliability checks read a few more columns (NIR, bank details, birth date…) in the same
        # pass over the file; they are dropped right after the checks (relais/findings/inflight.py).
        return {**mapping.keep, **check_columns(headers, taken=mapping.keep)}

    table = read_table(data, select)
    if table.frame.height == 0 and not table.read_errors:
        raise ImportFileError("Le fichier ne contient aucune ligne de données sous la ligne d'en-tête.")
    mapping = holder["mapping"]
    checks = inflight.run_checks(table.frame, mapping.labels, table.headers, taken=mapping.keep)
    table.frame = inflight.without_extra(table.frame)
    options = {"format": table.description, "columns": mapping.labels, "ignored_columns": mapping.dropped,
               "date_orders": date_orders}  # fmt: skip
    if profile is not None:
        options["profile"] = profile.name
    notices = mapping.notices(checked=True)
    return ReadFile(frame=table.frame, options=options, notices=notices, read_errors=table.read_errors,
                    checks=checks)  # fmt: skip


def _checksum(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()


def _size(data: bytes | Path) -> int:
    return data.stat().st_size if isinstance(data, Path) else len(data)


def _to_parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def _staged(run: ImportRun) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(bytes(run.staged_data)))


def _staged_read(run: ImportRun) -> ReadFile:
    return ReadFile(frame=_staged(run), read_errors=run.options.get("read_errors", []))


def _progress(run: ImportRun):
    """Progress written outside transactions only (inside one, nobody else could see it)."""

    def report(phase: str, done: int):
        run.phase, run.rows_processed = phase, done
        if not connection.in_atomic_block and run.pk:
            # Never waits for, nor fails on, another import's write (SQLite has one writer at a time).
            locks.without_waiting(
                lambda: ImportRun.objects.filter(pk=run.pk).update(
                    phase=phase, rows_processed=done, updated_at=timezone.now()
                )
            )

    return report


def _plan(run: ImportRun, frame: pl.DataFrame, progress):
    if run.kind == ImportKind.PIX:
        return pix.plan(frame, options=run.options, progress=progress)
    if run.kind == ImportKind.ADOPTION:
        return adoption.plan(frame, options=run.options, as_of=run.as_of, progress=progress)
    return agents.plan(
        frame,
        full=run.mode == ImportMode.FULL,
        as_of=run.as_of,
        progress=progress,
        date_orders=run.options.get("date_orders"),
    )


def _record_plan(run: ImportRun, result, read_errors: list[list]) -> None:
    rejected = [list(r) for r in read_errors] + [list(r) for r in result.rejected]
    labels = run.options.get("columns", {})
    rejected = [[line, labels.get(col, col), value, reason] for line, col, value, reason in rejected]
    run.count_new = result.counts.get("new", 0)
    run.count_updated = result.counts.get("updated", 0)
    run.count_leaving = result.counts.get("leaving", 0)
    run.count_unchanged = result.counts.get("unchanged", 0)
    run.count_unmatched = result.counts.get("unmatched", 0)
    run.count_rejected = len({r[0] for r in rejected})
    run.rejected = rejected[:MAX_REJECTED_KEPT]
    masked = run.options.get("identifier_warnings", [])
    planned = list(getattr(result, "warnings", []))
    warnings = sorted(
        ([line, labels.get(col, col), value, reason] for line, col, value, reason in [*masked, *planned]),
        key=lambda w: (w[0], w[1]),
    )
    # Kept with the examples (no column of their own): [[line, column as in the file, value, message], ...].
    run.examples = {
        **result.examples,
        "warnings": warnings[:MAX_WARNINGS_KEPT],
        "warnings_count": run.options.get("identifier_warnings_count", 0) + len(planned),
        "warning_lines": len({w[0] for w in warnings}),
    }
    run.notices = list(dict.fromkeys([*run.notices, *result.notices]))


def import_run_start(
    *,
    acting_user,
    kind: str,
    file_name: str,
    data: bytes,
    mode: str = ImportMode.PARTIAL,
    source: str = "",
    as_of: datetime.date | None = None,
    tool: str = "messagerie",
) -> ImportRun:
    """Record an uploaded file, stage its permitted columns and analyse it (in the background when large).

    A file that cannot be read is recorded as failed, with the reason.
    """
    run = ImportRun(
        created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        kind=kind,
        mode=mode if kind == ImportKind.AGENTS else "",
        source=source,
        as_of=as_of,
        file_name=file_name[:255],
        file_size=_size(data),
        checksum=_checksum(data),
        options={"tool": tool, "as_of_given": as_of is not None},
    )
    started = time.perf_counter()
    try:
        if kind in MAPPABLE_KINDS:
            raw = read_raw(kind=kind, data=data, source=source)
            profile = find_profile(kind, raw.headers)
            proposal = propose(raw, kind=kind)
            if not proposal.certain and profile is not None:
                proposal = propose(raw, kind=kind, profile=profile)
            run.options.update(
                {
                    "format": raw.table.description,
                    "headers": raw.headers,
                    "source": raw.source,
                    "read_errors": raw.table.read_errors[:MAX_REJECTED_KEPT],
                }  # fmt: skip
            )
            run.source = raw.source
            if kind == ImportKind.AGENTS:
                _check_raw(run, raw, proposal.mapping())
            if not proposal.certain or proposal.profile:  # a profile is offered, applied once accepted
                run.status, run.phase = ImportStatus.MAPPING, ""
                run.options["proposal"] = proposal.as_json()
                run.rows_total = raw.table.frame.height + len(raw.table.read_errors)
                run.staged_data = _to_parquet(raw.table.frame)
                run.duration = time.perf_counter() - started
                run.save()
                _keep_findings(run)
                return run
            read = _mapped_read(run, raw.table.frame, proposal.mapping(), _orders_by_field(proposal))
        else:
            read = read_file(kind=kind, data=data, source=source)
    except ImportFileError as exc:
        run.status, run.error = ImportStatus.FAILED, str(exc)
        run.duration = time.perf_counter() - started
        run.save()
        return run
    _stage_and_analyse(run, read, started)
    return run


def _check_raw(run: ImportRun, raw, mapping: dict[int, str]) -> None:
    """The checks on a page upload, with the columns as proposed; the extra columns dropped before staging."""
    frame = raw.table.frame
    mapped = mapped_frame(frame, mapping)
    extra = [c for c in frame.columns if c.startswith(inflight.PREFIX)]
    labels = {name: raw.headers[i] for i, name in mapping.items() if name != IGNORE}
    result = inflight.run_checks(pl.concat([mapped, frame.select(extra)], how="horizontal"), labels, raw.headers)
    raw.table.frame = inflight.without_extra(frame)
    run.options["findings"] = inflight.summary(result)
    run._findings = result


def _extract(run: ImportRun, acting_user, result, *, as_of, counts: dict, stage: bool = True):
    """The findings extract of an agents import run (`relais.findings.services.extract_create`)."""
    from relais.findings.enums import ExtractKind
    from relais.findings.services import extract_create

    return extract_create(acting_user=acting_user, kind=ExtractKind.IMPORT, source_name=run.file_name, as_of=as_of,
                          findings=result.findings, rows=result.rows, full=run.mode == ImportMode.FULL,
                          import_run=run, counts=counts, matricules=result.matricules, stage=stage)  # fmt: skip


def _keep_findings(run: ImportRun) -> None:
    """Stage the findings of a run read just now (recorded when it is applied)."""
    result = getattr(run, "_findings", None)
    if result is None or run.pk is None:
        return
    run._findings = None
    _extract(run, run.created_by, result, as_of=run.as_of or timezone.localdate(),
             counts=run.options["findings"]["counts"])  # fmt: skip


def _record_findings(run: ImportRun, acting_user, read: ReadFile) -> None:
    """An applied agents import records its findings: those checked in flight, or those staged at upload."""
    from relais.findings.models import Extract
    from relais.findings.services import extract_record

    if read.checks is not None:
        counts = run.options.get("findings", {}).get("counts", {})
        extract = _extract(run, acting_user, read.checks, as_of=run.as_of, counts=counts, stage=False)
        extract_record(acting_user=acting_user, extract=extract, findings=read.checks.findings)
        return
    extract = Extract.objects.filter(import_run=run, recorded_at__isnull=True).first()
    if extract is not None:
        extract.as_of = run.as_of or extract.as_of
        extract_record(acting_user=acting_user, extract=extract)


def _orders_by_field(proposal) -> dict[str, str]:
    mapping = proposal.mapping()
    return {mapping[i]: order for i, order in proposal.date_orders().items() if mapping.get(i) in DATE_FIELDS}


def _mapped_read(run: ImportRun, raw: pl.DataFrame, mapping: dict[int, str], date_orders: dict[str, str]) -> ReadFile:
    """A raw read (every column by position) mapped to fields, with the checks its kind makes after reading."""
    headers = run.options["headers"]
    frame = mapped_frame(raw, mapping)
    labels = {name: headers[i] for i, name in mapping.items() if name != IGNORE}
    ignored = ignored_headers(headers, mapping)
    # The reader names a refused cell by its position (`c3`): say its header instead.
    read_errors = [
        [line, headers[int(col[1:])] if col[:1] == "c" and col[1:].isdigit() else col, value, reason]
        for line, col, value, reason in run.options.get("read_errors", [])
    ]
    options = {"columns": labels, "ignored_columns": ignored, "date_orders": date_orders}
    if run.kind == ImportKind.ADOPTION:
        options.update(adoption.finish(frame, run.options.get("source") or "generic", read_errors))
    elif frame.height == 0 and not read_errors:
        raise ImportFileError("Le fichier ne contient aucune ligne de données sous la ligne d'en-tête.")
    forbidden = [h for h in headers if h and is_forbidden(h)]
    notices = [forbidden_notice(forbidden, checked=run.kind == ImportKind.AGENTS)] if forbidden else []
    return _screened(ReadFile(frame=frame, options=options, notices=notices, read_errors=read_errors), run.kind)


def _stage_and_analyse(run: ImportRun, read: ReadFile, started: float) -> None:
    """Stage a mapped read and analyse it (in the background when large)."""
    file_as_of = read.options.pop("as_of", None)
    run.options.update(read.options)
    run.options.pop("proposal", None)  # its samples are personal data: not kept once the columns are chosen
    run.source = read.options.get("source", run.source)
    run.as_of = run.as_of or file_as_of or timezone.localdate()
    run.notices = read.notices
    run.options["read_errors"] = read.read_errors[:MAX_REJECTED_KEPT]
    run.rows_total = read.frame.height + len(read.read_errors)
    run.staged_data = _to_parquet(read.frame)
    run.status, run.error = ImportStatus.PENDING, ""
    run.duration = (run.duration or 0) + time.perf_counter() - started
    with transaction.atomic():
        run.save()
        _keep_findings(run)
        if run.rows_total > BACKGROUND_ROWS:
            from relais.imports.tasks import import_run_process

            run_id = run.pk
            transaction.on_commit(lambda: import_run_process.enqueue(run_id, "analyse"))
    if run.rows_total <= BACKGROUND_ROWS:
        import_run_analyse(run=run)


class MappingRefused(Exception):
    """The columns chosen cannot be imported; `problems` says why, in French."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def import_run_map(
    *,
    run: ImportRun,
    acting_user,
    mapping: dict[int, str],
    date_orders: dict[int, str] | None = None,
    profile_name: str = "",
) -> ImportRun:
    """Confirm the columns of a run at the mapping step, keep them as a profile if named, and analyse it.

    Refused (MappingRefused) when two columns go to one field or a required field has no column.
    """
    if run.status != ImportStatus.MAPPING or run.staged_data is None:
        raise MappingRefused(["Les colonnes de cet import ont déjà été choisies."])
    headers = run.options["headers"]
    source = run.options.get("source", "")
    found = problems(run.kind, source, mapping, headers)
    if found:
        raise MappingRefused(found)
    orders = {mapping[i]: o for i, o in (date_orders or {}).items() if mapping.get(i) in DATE_FIELDS and o}
    started = time.perf_counter()
    try:
        read = _mapped_read(run, _staged(run), mapping, orders)
    except ImportFileError as exc:
        raise MappingRefused([str(exc)]) from exc
    offered = Proposal.from_json(run.options["proposal"])
    if offered.profile and offered.mapping() == mapping:
        read.options["profile"] = offered.profile  # the profile offered, accepted as it is
    if profile_name.strip():
        profile = import_profile_save(
            acting_user=acting_user, name=profile_name.strip(), kind=run.kind, source=source,
            headers=headers, mapping=mapping, date_orders=orders,
        )  # fmt: skip
        read.options["profile"] = profile.name
    _stage_and_analyse(run, read, started)
    return run


def import_profile_save(
    *, acting_user, name: str, kind: str, source: str, headers: list[str], mapping: dict[int, str], date_orders: dict
) -> ImportProfile:
    """Create or replace the import profile of that name: the header set, each header's field, the date orders."""
    profile = ImportProfile.objects.filter(name=name).first() or ImportProfile(name=name)
    profile.kind, profile.source = kind, source
    profile.headers = header_set(headers)
    profile.mapping = {header_key(headers[i]): field for i, field in mapping.items() if headers[i]}
    profile.date_orders = date_orders
    profile.created_by = acting_user if acting_user and acting_user.is_authenticated else profile.created_by
    with transaction.atomic():
        profile.save()
        journal_record(
            acting_user=acting_user,
            action="import.profile",
            obj=profile,
            payload={"nom": profile.name, "type": kind, "colonnes": len(profile.mapping)},
        )
    return profile


def import_run_analyse(*, run: ImportRun) -> ImportRun:
    """The dry run: counts, examples and rejected lines of what applying would do; writes only the record."""
    started = time.perf_counter()
    run.status = ImportStatus.ANALYSING
    run.save(update_fields=["status", "updated_at"])
    try:
        result = _plan(run, _staged(run), _progress(run))
        _record_plan(run, result, run.options.get("read_errors", []))
    except (ImportFileError, agents.ImportBlocked) as exc:
        run.status, run.error = ImportStatus.FAILED, str(exc)
        run.staged_data = None
    else:
        run.status, run.error = ImportStatus.ANALYSED, ""
    run.phase, run.rows_processed = "", run.rows_total
    run.analysed_at = timezone.now()
    run.duration = (run.duration or 0) + time.perf_counter() - started
    run.save()
    return run


def can_apply(run: ImportRun) -> bool:
    stale = run.status == ImportStatus.APPLYING and timezone.now() - run.updated_at > STALE_AFTER
    return run.staged_data is not None and (run.status == ImportStatus.ANALYSED or stale)


def import_run_apply(*, run: ImportRun, acting_user, apply_valid_rows: bool = False) -> ImportRun:
    """Apply an analysed run, now or in the background when large; see `_apply`."""
    if not can_apply(run):
        raise agents.ImportBlocked("Cet import ne peut plus être appliqué (déjà appliqué, abandonné ou en cours).")
    if run.count_rejected and not apply_valid_rows:
        raise agents.ImportBlocked(_blocked_message(run.count_rejected))
    run.applied_valid_rows_only = apply_valid_rows
    if run.rows_total > BACKGROUND_ROWS:
        run.status, run.phase = ImportStatus.APPLYING, "En attente du traitement en arrière-plan"
        run.options["applied_by"] = acting_user.pk if acting_user else None
        with transaction.atomic():
            run.save()
            from relais.imports.tasks import import_run_process

            run_id = run.pk
            transaction.on_commit(lambda: import_run_process.enqueue(run_id, "apply"))
        return run
    return _apply(run=run, acting_user=acting_user, read=_staged_read(run), reread=lambda: _staged_read(run))


def _blocked_message(rejected: int) -> str:
    return (
        f"Le fichier contient {rejected} ligne{'s' if rejected > 1 else ''} rejetée{'s' if rejected > 1 else ''} : "
        "rien n'a été appliqué. Corrigez le fichier, ou choisissez d'appliquer seulement les lignes valides."
    )


def _apply(
    *,
    run: ImportRun,
    acting_user,
    read: ReadFile,
    reread: Callable[[], ReadFile],
    on_wait: Callable[[str], None] | None = None,
) -> ImportRun:
    """Re-plan against the current referential and write it all in one transaction (journal included).

    Imports of one kind are written one at a time (`relais.imports.locks`): a run that finds another one
    writing says it waits (its phase; `on_wait` for the command line), and is refused after
    RELAIS_IMPORT_LOCK_WAIT_SECONDS. When another import of its kind was applied since it was planned, it is
    planned again inside the lock (`reread` gives its rows back), so that new, changed and leaving are those
    of the state it writes over. The file's rows are let go once planned, so that the write's own copies reuse
    their memory.
    """
    started = time.perf_counter()
    progress = _progress(run)
    planned_under = locks.generation(run.kind)
    result = _plan(run, read.frame, progress)
    read.frame = None
    _record_plan(run, result, read.read_errors)
    if run.count_rejected and not run.applied_valid_rows_only:
        raise agents.ImportBlocked(_blocked_message(run.count_rejected))
    progress("Écriture dans la base (transaction unique)", run.rows_total)

    def waiting():
        message = f"En attente : un autre import « {ImportKind(run.kind).label} » s'applique, celui-ci suivra."
        progress(message, 0)
        if run.pk:
            locks.mark_waiting(run.pk, message)
        if on_wait is not None:
            on_wait(message)

    try:
        with locks.import_lock(run.kind, on_wait=waiting) as lock:
            if run.pk:
                locks.clear_waiting(run.pk)
            if lock.generation != planned_under:
                fresh = reread()
                result = _plan(run, fresh.frame, lambda phase, done: None)
                fresh.frame = None
                _record_plan(run, result, fresh.read_errors)
                if run.count_rejected and not run.applied_valid_rows_only:
                    raise agents.ImportBlocked(_blocked_message(run.count_rejected))
            _write(run=run, acting_user=acting_user, result=result, read=read, started=started)
    except locks.ImportLockBusy as exc:
        raise agents.ImportBlocked(str(exc)) from exc
    finally:
        if run.pk:
            locks.clear_waiting(run.pk)
    return run


def _write(*, run: ImportRun, acting_user, result, read: ReadFile, started: float) -> None:
    """The write of a plan, inside the caller's transaction (which holds the kind's lock)."""
    if connection.vendor == "postgresql":
        # All or nothing still holds; only the wait for the disk at commit is skipped (a server crash in
        # that instant may lose the whole import, record included, never part of it).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
    if run.kind == ImportKind.ADOPTION:
        adoption.apply(result, acting_user=acting_user, run=run)
    elif run.kind == ImportKind.PIX:
        pix.apply(result, acting_user=acting_user, run=run)
    else:
        agents.apply(result, acting_user=acting_user, run=run)
    run.status, run.error, run.phase = ImportStatus.APPLIED, "", ""
    run.rows_processed = run.rows_total
    run.applied_at = timezone.now()
    run.staged_data = None
    run.duration = (run.duration or 0) + time.perf_counter() - started
    run.save()
    if run.kind == ImportKind.AGENTS:
        _record_findings(run, acting_user, read)
    journal_record(
        acting_user=acting_user,
        action="import.apply",
        obj=run,
        payload={
            "type": run.kind,
            "fichier": run.file_name,
            "empreinte": run.checksum,
            "nouveaux": run.count_new,
            "modifies": run.count_updated,
            "partants": run.count_leaving,
            "inchanges": run.count_unchanged,
            "rejetes": run.count_rejected,
            "non_rapproches": run.count_unmatched,
        },
    )
    from relais.imports.sql import pause_before_commit_for_tests

    pause_before_commit_for_tests()


def import_run_apply_now(*, run: ImportRun, acting_user) -> ImportRun:
    """The background half of `import_run_apply` (the task calls it)."""
    try:
        return _apply(run=run, acting_user=acting_user, read=_staged_read(run), reread=lambda: _staged_read(run))
    except (ImportFileError, agents.ImportBlocked) as exc:
        run.status, run.error, run.phase = ImportStatus.ANALYSED, str(exc), ""
        run.save()
        return run


def import_run_discard(*, run: ImportRun, acting_user) -> ImportRun:
    """Drop an analysed run's staged rows; nothing was applied."""
    run.status, run.staged_data, run.phase = ImportStatus.DISCARDED, None, ""
    run.options.pop("proposal", None)  # the mapping step's sample values go with the staged rows
    run.save()
    return run


def import_file(
    *,
    acting_user,
    kind: str,
    file_name: str,
    data: bytes | Path,
    mode: str = ImportMode.PARTIAL,
    source: str = "",
    as_of: datetime.date | None = None,
    tool: str = "messagerie",
    dry_run: bool = False,
    apply_valid_rows: bool = False,
    progress=None,
    options: dict | None = None,
    profile=None,
    on_wait: Callable[[str], None] | None = None,
) -> ImportRun:
    """Command-line import: read, plan, and unless `dry_run` apply in one transaction that also records the run.

    A run killed before commit leaves nothing behind, not even its record. `on_wait(message)`: told when the
    run waits for another import of its kind.
    """
    started = time.perf_counter()
    run = ImportRun(
        created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        kind=kind,
        mode=mode if kind == ImportKind.AGENTS else "",
        source=source,
        as_of=as_of,
        file_name=file_name[:255],
        file_size=_size(data),
        checksum=_checksum(data),
        options={"tool": tool, "as_of_given": as_of is not None, "command": True, **(options or {})},
        applied_valid_rows_only=apply_valid_rows,
    )
    try:
        read = read_file(kind=kind, data=data, source=source, profile=profile)
        if read.checks is not None:
            run.options["findings"] = inflight.summary(read.checks)
        file_as_of = read.options.pop("as_of", None)
        run.options.update(read.options)
        run.source = read.options.get("source", source)
        run.as_of = run.as_of or file_as_of or timezone.localdate()
        run.notices = read.notices
        run.rows_total = read.frame.height + len(read.read_errors)
        if dry_run:
            result = _plan(run, read.frame, progress or (lambda phase, done: None))
            _record_plan(run, result, read.read_errors)
            run.status, run.analysed_at = ImportStatus.ANALYSED, timezone.now()
            run.duration = time.perf_counter() - started
            run.save()
            return run
        run.duration = time.perf_counter() - started
        return _apply(
            run=run,
            acting_user=acting_user,
            read=read,
            reread=lambda: read_file(kind=kind, data=data, source=source, profile=profile),
            on_wait=on_wait,
        )
    except (ImportFileError, agents.ImportBlocked) as exc:
        run.pk = None
        run.status, run.error = ImportStatus.FAILED, str(exc)
        run.duration = time.perf_counter() - started
        run.save()
        return run


def import_directory(
    *,
    acting_user,
    frame: pl.DataFrame,
    description: str,
    labels: dict[str, str] | None = None,
    as_of: datetime.date | None = None,
    tool: str = "messagerie",
    dry_run: bool = False,
) -> ImportRun:
    """Record a directory read (see `relais.imports.directory`) as observations of source "ad", like a report."""
    from relais.adoption.enums import Source

    started = time.perf_counter()
    run = ImportRun(
        created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        kind=ImportKind.ADOPTION,
        source=Source.ACTIVE_DIRECTORY,
        as_of=as_of or timezone.localdate(),
        file_name=description[:255],
        checksum=_checksum(frame.sort(frame.columns).write_csv().encode()),
        options={
            "tool": tool,
            "source": Source.ACTIVE_DIRECTORY,
            "format": "Annuaire LDAP",
            "directory": True,
            "columns": {c: c for c in frame.columns},
        },  # fmt: skip
        rows_total=frame.height,
    )
    try:
        read = _screened(ReadFile(frame=frame), ImportKind.ADOPTION)
        run.options.update(read.options)
        if dry_run:
            result = _plan(run, read.frame, lambda phase, done: None)
            _record_plan(run, result, [])
            run.status, run.analysed_at = ImportStatus.ANALYSED, timezone.now()
            run.duration = time.perf_counter() - started
            run.save()
            return run
        run.duration = time.perf_counter() - started
        run.applied_valid_rows_only = True  # a directory is not corrected by hand: its valid entries count
        return _apply(
            run=run,
            acting_user=acting_user,
            read=read,
            reread=lambda: _screened(ReadFile(frame=frame), ImportKind.ADOPTION),
        )
    except (ImportFileError, agents.ImportBlocked) as exc:
        run.pk = None
        run.status, run.error = ImportStatus.FAILED, str(exc)
        run.duration = time.perf_counter() - started
        run.save()
        return run


def rejected_rows(run: ImportRun) -> list[list]:
    """Rejected lines for the download, sorted by line: [line, column, value, reason]."""
    return sorted(run.rejected, key=lambda r: (r[0], r[1]))
