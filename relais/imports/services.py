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
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from relais.imports import adoption, agents
from relais.imports.columns import AGENT_FIELDS, custom_aliases, match_headers, missing_required, required_message
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.models import ImportRun
from relais.imports.reading import ImportFileError, read_table
from relais.journal.services import journal_record

BACKGROUND_ROWS = 5000
MAX_REJECTED_KEPT = 100_000
STALE_AFTER = datetime.timedelta(minutes=30)


@dataclass
class ReadFile:
    """A file read and mapped: the rows Relais may hold and what the administrator must be told."""

    frame: pl.DataFrame
    options: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    read_errors: list[list] = field(default_factory=list)


def read_file(*, kind: str, data: bytes | Path, source: str = "") -> ReadFile:
    """Read and map a file; raises ImportFileError (French message) when it cannot be imported at all."""
    if kind == ImportKind.ADOPTION:
        frame, options, notices, read_errors = adoption.read(data, source=source)
        return ReadFile(frame=frame, options=options, notices=notices, read_errors=read_errors)
    extra = custom_aliases(ImportKind.AGENTS)
    holder = {}

    def select(headers):
        holder["mapping"] = mapping = match_headers(headers, AGENT_FIELDS, extra=extra)
        missing = missing_required(mapping, AGENT_FIELDS)
        if missing:
            raise ImportFileError(required_message(missing, AGENT_FIELDS))
        return mapping.keep

    table = read_table(data, select)
    if table.frame.height == 0 and not table.read_errors:
        raise ImportFileError("Le fichier ne contient aucune ligne de données sous la ligne d'en-tête.")
    mapping = holder["mapping"]
    options = {"format": table.description, "columns": mapping.labels}
    return ReadFile(frame=table.frame, options=options, notices=mapping.notices(), read_errors=table.read_errors)


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
            ImportRun.objects.filter(pk=run.pk).update(phase=phase, rows_processed=done, updated_at=timezone.now())

    return report


def _plan(run: ImportRun, frame: pl.DataFrame, progress):
    if run.kind == ImportKind.ADOPTION:
        return adoption.plan(frame, options=run.options, as_of=run.as_of, progress=progress)
    return agents.plan(frame, full=run.mode == ImportMode.FULL, as_of=run.as_of, progress=progress)


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
    run.examples = result.examples
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
        read = read_file(kind=kind, data=data, source=source)
    except ImportFileError as exc:
        run.status, run.error = ImportStatus.FAILED, str(exc)
        run.duration = time.perf_counter() - started
        run.save()
        return run
    file_as_of = read.options.pop("as_of", None)
    run.options.update(read.options)
    run.source = read.options.get("source", source)
    run.as_of = run.as_of or file_as_of or timezone.localdate()
    run.notices = read.notices
    run.options["read_errors"] = read.read_errors[:MAX_REJECTED_KEPT]
    run.rows_total = read.frame.height + len(read.read_errors)
    run.staged_data = _to_parquet(read.frame)
    run.duration = time.perf_counter() - started
    with transaction.atomic():
        run.save()
        if run.rows_total > BACKGROUND_ROWS:
            from relais.imports.tasks import import_run_process

            run_id = run.pk
            transaction.on_commit(lambda: import_run_process.enqueue(run_id, "analyse"))
    if run.rows_total <= BACKGROUND_ROWS:
        import_run_analyse(run=run)
    return run


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
    return _apply(run=run, acting_user=acting_user, read=_staged_read(run))


def _blocked_message(rejected: int) -> str:
    return (
        f"Le fichier contient {rejected} ligne{'s' if rejected > 1 else ''} rejetée{'s' if rejected > 1 else ''} : "
        "rien n'a été appliqué. Corrigez le fichier, ou choisissez d'appliquer seulement les lignes valides."
    )


def _apply(*, run: ImportRun, acting_user, read: ReadFile) -> ImportRun:
    """Re-plan against the current referential and write it all in one transaction (journal included).

    The file's rows are let go once planned, so that the write's own copies reuse their memory.
    """
    started = time.perf_counter()
    progress = _progress(run)
    result = _plan(run, read.frame, progress)
    read.frame = None
    _record_plan(run, result, read.read_errors)
    if run.count_rejected and not run.applied_valid_rows_only:
        raise agents.ImportBlocked(_blocked_message(run.count_rejected))
    progress("Écriture dans la base (transaction unique)", run.rows_total)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # All or nothing still holds; only the wait for the disk at commit is skipped (a server crash in
            # that instant may lose the whole import, record included, never part of it).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        if run.kind == ImportKind.ADOPTION:
            adoption.apply(result, acting_user=acting_user, run=run)
        else:
            agents.apply(result, acting_user=acting_user, run=run)
        run.status, run.error, run.phase = ImportStatus.APPLIED, "", ""
        run.rows_processed = run.rows_total
        run.applied_at = timezone.now()
        run.staged_data = None
        run.duration = (run.duration or 0) + time.perf_counter() - started
        run.save()
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
    return run


def import_run_apply_now(*, run: ImportRun, acting_user) -> ImportRun:
    """The background half of `import_run_apply` (the task calls it)."""
    try:
        return _apply(run=run, acting_user=acting_user, read=_staged_read(run))
    except (ImportFileError, agents.ImportBlocked) as exc:
        run.status, run.error, run.phase = ImportStatus.ANALYSED, str(exc), ""
        run.save()
        return run


def import_run_discard(*, run: ImportRun, acting_user) -> ImportRun:
    """Drop an analysed run's staged rows; nothing was applied."""
    run.status, run.staged_data, run.phase = ImportStatus.DISCARDED, None, ""
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
) -> ImportRun:
    """Command-line import: read, plan, and unless `dry_run` apply in one transaction that also records the run.

    A run killed before commit leaves nothing behind, not even its record.
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
        options={"tool": tool, "as_of_given": as_of is not None, "command": True},
        applied_valid_rows_only=apply_valid_rows,
    )
    try:
        read = read_file(kind=kind, data=data, source=source)
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
        return _apply(run=run, acting_user=acting_user, read=read)
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
        if dry_run:
            result = _plan(run, frame, lambda phase, done: None)
            _record_plan(run, result, [])
            run.status, run.analysed_at = ImportStatus.ANALYSED, timezone.now()
            run.duration = time.perf_counter() - started
            run.save()
            return run
        run.duration = time.perf_counter() - started
        run.applied_valid_rows_only = True  # a directory is not corrected by hand: its valid entries count
        return _apply(run=run, acting_user=acting_user, read=ReadFile(frame=frame))
    except (ImportFileError, agents.ImportBlocked) as exc:
        run.pk = None
        run.status, run.error = ImportStatus.FAILED, str(exc)
        run.duration = time.perf_counter() - started
        run.save()
        return run


def rejected_rows(run: ImportRun) -> list[list]:
    """Rejected lines for the download, sorted by line: [line, column, value, reason]."""
    return sorted(run.rejected, key=lambda r: (r[0], r[1]))
