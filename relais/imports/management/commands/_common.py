"""Shared bits of the import commands: dates, summaries, rejected lines on stderr."""

import datetime

from django.core.management.base import CommandError

from relais.imports.columns import ignored_message
from relais.imports.parsers import parse_date

SHOWN_REJECTIONS = 20


def parse_as_of(value: str | None) -> datetime.date | None:
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        raise CommandError(f"Date illisible pour --as-of : « {value} » (JJ/MM/AAAA ou AAAA-MM-JJ attendu).")
    return day


def get_profile(name: str | None, kind: str):
    """The import profile named on the command line (`--profile NAME`), or None; CommandError in French."""
    from relais.imports.models import ImportProfile

    if not name:
        return None
    profile = ImportProfile.objects.filter(name=name).first()
    if profile is None:
        known = ", ".join(f"« {p} »" for p in ImportProfile.objects.filter(kind=kind).values_list("name", flat=True))
        raise CommandError(
            f"Profil d'import inconnu : « {name} »."
            + (
                f" Profils de ce type : {known}."
                if known
                else " Aucun profil "
                "de ce type n'existe : créez-en un depuis la page Imports, à l'étape de vérification des colonnes."
            )
        )
    if profile.kind != kind:
        raise CommandError(
            f"Le profil d'import « {name} » sert à un autre type de fichier ({profile.get_kind_display()})."
        )
    return profile


def summary(run, *, dry_run: bool) -> str:
    head = "Simulation (rien n'a été écrit)" if dry_run else "Import appliqué"
    parts = [
        f"{run.count_new} nouveaux",
        f"{run.count_updated} modifiés",
        f"{run.count_leaving} partants",
        f"{run.count_unchanged} inchangés",
        f"{run.count_rejected} rejetés",
    ]
    if run.kind == "adoption":
        parts = [
            f"{run.count_new} observations nouvelles",
            f"{run.count_updated} comptes créés",
            f"{run.count_unchanged} inchangées",
            f"{run.count_unmatched} non rapprochées",
            f"{run.count_rejected} rejetées",
        ]
    if run.count_warnings:
        lines = (run.examples or {}).get("warning_lines", 0)
        parts.append(f"{lines} ligne{'s' if lines > 1 else ''} avec avertissement")
    ignored = ignored_message((run.options or {}).get("ignored_columns", []))
    return f"{head} : " + ", ".join(parts) + f" ({run.duration or 0:.1f} s). {ignored}"


def print_rejections(stream, run) -> None:
    for line, column, value, reason in run.rejected[:SHOWN_REJECTIONS]:
        where = f"ligne {line}" + (f", colonne « {column} »" if column else "")
        stream.write(f"{where} : {reason} (valeur : « {value} »)")
    if len(run.rejected) > SHOWN_REJECTIONS:
        stream.write(f"… et {len(run.rejected) - SHOWN_REJECTIONS} autres problèmes.")


def print_warnings(stream, run) -> None:
    """Values left empty, one line each: « Ligne 12, colonne « Date d'entrée » : date illisible « 31/02/2020 », … »."""
    for line, column, _value, message in run.warnings[:SHOWN_REJECTIONS]:
        stream.write(f"Ligne {line}, colonne « {column} » : {message}")
    if run.count_warnings > SHOWN_REJECTIONS:
        stream.write(f"… et {run.count_warnings - SHOWN_REJECTIONS} autres avertissements.")


def write_json(path: str, run) -> None:
    """The run's outcome for scripts: counts, rejected lines and warnings (line 1 is the header)."""
    import json
    from pathlib import Path

    def rows(items):
        return [
            {"line": line, "column": column, "value": value, "message": message}
            for line, column, value, message in items
        ]

    report = {
        "status": run.status,
        "error": run.error,
        "counts": {
            "new": run.count_new,
            "updated": run.count_updated,
            "leaving": run.count_leaving,
            "unchanged": run.count_unchanged,
            "rejected": run.count_rejected,
            "warnings": run.count_warnings,
        },
        "rejected": rows(run.rejected),
        "warnings": rows(run.warnings),
    }
    Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
