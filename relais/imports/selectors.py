"""Reads for the import pages."""

from django.shortcuts import get_object_or_404

from relais.imports.enums import ImportKind
from relais.imports.models import ImportRun

SHOWN_REJECTIONS = 50
LIGHT_FIELDS = ("staged_data", "rejected")


def import_run_list(user, *, limit: int = 100):
    """The latest imports, newest first, without their heavy columns."""
    return ImportRun.objects.visible_to(user).select_related("created_by").defer(*LIGHT_FIELDS, "examples")[:limit]


def import_run_get(user, public_id) -> ImportRun:
    return get_object_or_404(ImportRun.objects.visible_to(user).select_related("created_by"), public_id=public_id)


def import_run_progress_get(user, public_id) -> ImportRun:
    """Just what the progress bar needs (polled every second)."""
    return get_object_or_404(
        ImportRun.objects.visible_to(user).only(
            "public_id", "status", "phase", "rows_total", "rows_processed", "updated_at", "kind"
        ),
        public_id=public_id,
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
    return {
        "counts": counts,
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
        "format": (run.options or {}).get("format", ""),
    }
