"""Reads for the import pages."""

import datetime

from django.shortcuts import get_object_or_404

from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.locks import waiting_message
from relais.imports.models import ImportRun

SHOWN_REJECTIONS = 50
LIGHT_FIELDS = ("staged_data", "rejected")
# Kinds whose report shows a part of its own, under the counts (owned by the area the kind feeds).
KIND_TEMPLATES = {ImportKind.PIX: "skills/_pix_report.html"}


def import_run_list(user, *, limit: int = 100):
    """The latest imports, newest first, without their heavy columns."""
    return ImportRun.objects.visible_to(user).select_related("created_by").defer(*LIGHT_FIELDS, "examples")[:limit]


def _with_waiting(run: ImportRun) -> ImportRun:
    """A run waiting for another import of its kind says so (`locks.mark_waiting`), on SQLite too."""
    done = (ImportStatus.APPLIED, ImportStatus.FAILED, ImportStatus.DISCARDED)
    if run.status not in done and (message := waiting_message(run.pk)):
        run.phase = message
    return run


def import_run_get(user, public_id) -> ImportRun:
    return _with_waiting(
        get_object_or_404(ImportRun.objects.visible_to(user).select_related("created_by"), public_id=public_id)
    )


def import_run_progress_get(user, public_id) -> ImportRun:
    """Just what the progress bar needs (polled every second)."""
    return _with_waiting(
        get_object_or_404(
            ImportRun.objects.visible_to(user).only(
                "public_id", "status", "phase", "rows_total", "rows_processed", "updated_at", "kind"
            ),
            public_id=public_id,
        )
    )


def import_run_report(run: ImportRun) -> dict:
    """Everything the report page shows, with defaults, so the template never meets a missing key."""
    examples = run.examples or {}
    created = examples.get("created") or {}
    counts = [
        ("Nouveaux agents" if run.kind == ImportKind.AGENTS else "Observations nouvelles", run.count_new),
        ("Agents modifiés" if run.kind == ImportKind.AGENTS else "Comptes créés", run.count_updated),
    ]
    if run.kind == ImportKind.AGENTS:
        counts.append(("Agents partants", run.count_leaving))
        counts.append(("Agents inchangés", run.count_unchanged))
    else:
        counts.append(("Déjà connues (inchangées)", run.count_unchanged))
        counts.append(("Lignes non rapprochées d'un agent", run.count_unmatched))
    counts.append(("Lignes rejetées", run.count_rejected))
    if examples.get("warning_lines"):
        counts.append(("Lignes avec un champ laissé vide (avertissement)", examples["warning_lines"]))
    if examples.get("report_counts"):  # a kind that labels its own counts (Pix Orga: participations)
        counts = [tuple(pair) for pair in examples["report_counts"]]
    return {
        "counts": counts,
        "kind_template": KIND_TEMPLATES.get(run.kind, ""),
        "new": examples.get("new") or [],
        "updated": examples.get("updated") or [],
        "leaving": examples.get("leaving") or [],
        "unmatched": (examples.get("unmatched") or [])[:SHOWN_REJECTIONS],
        "created_directions": created.get("directions") or [],
        "created_services": created.get("services") or [],
        "created_sites": created.get("sites") or [],
        "newly_activated": examples.get("newly_activated"),
        "never_activated": examples.get("never_activated"),
        "source_label": examples.get("source") or "",
        "tool_label": examples.get("tool") or "",
        "rejected": run.rejected[:SHOWN_REJECTIONS],
        "rejected_more": max(0, len(run.rejected) - SHOWN_REJECTIONS),
        "warnings": run.warnings[:SHOWN_REJECTIONS],
        "warnings_more": max(0, run.count_warnings - SHOWN_REJECTIONS),
        "format": (run.options or {}).get("format", ""),
        "profile": (run.options or {}).get("profile", ""),
        # None when the columns are not chosen yet (or the run predates the list): the line is not shown.
        "ignored_columns": (run.options or {}).get("ignored_columns"),
        # The day the retention purge emptied what the record quoted of the file (relais.retention).
        "details_erased": _date((run.options or {}).get("details_erased")),
    }


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None
