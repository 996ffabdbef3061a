"""Shared bits of the import commands: dates, summaries, rejected lines on stderr."""

import datetime

from django.core.management.base import CommandError

from relais.imports.parsers import parse_date

SHOWN_REJECTIONS = 20


def parse_as_of(value: str | None) -> datetime.date | None:
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        raise CommandError(f"Date illisible pour --as-of : « {value} » (JJ/MM/AAAA ou AAAA-MM-JJ attendu).")
    return day


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
    return f"{head} : " + ", ".join(parts) + f" ({run.duration or 0:.1f} s)."


def print_rejections(stream, run) -> None:
    for line, column, value, reason in run.rejected[:SHOWN_REJECTIONS]:
        where = f"ligne {line}" + (f", colonne « {column} »" if column else "")
        stream.write(f"{where} : {reason} (valeur : « {value} »)")
    if len(run.rejected) > SHOWN_REJECTIONS:
        stream.write(f"… et {len(run.rejected) - SHOWN_REJECTIONS} autres problèmes.")
