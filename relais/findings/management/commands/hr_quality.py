"""`python manage.py hr_quality FICHIER [--json SORTIE.json] [--as-of DATE] [--partial] [--dry-run]`."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.findings.enums import ExtractKind
from relais.findings.reading import read_for_checks
from relais.imports.reading import ImportFileError


class Command(BaseCommand):
    help = (
        "Contrôle la fiabilité des données d'une extraction RH sans l'importer "
        "(NIR et coordonnées bancaires lus puis oubliés)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", dest="json_out", help="Écrit les constats en JSON dans ce fichier.")
        parser.add_argument("--as-of", help="Date de l'extraction (AAAA-MM-JJ), aujourd'hui par défaut.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Extraction partielle : ne ferme que les constats des dossiers du fichier.",
        )
        parser.add_argument("--dry-run", action="store_true", help="N'enregistre pas les constats (rapport seul).")

    def handle(self, *args, **options):
        from relais.findings.engine import check
        from relais.findings.services import extract_create, extract_record

        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            as_of = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else datetime.date.today()
        except ValueError as exc:
            raise CommandError("Date invalide pour --as-of : AAAA-MM-JJ attendu.") from exc
        try:
            frame, labels = read_for_checks(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = check(frame, labels, today=as_of)
        del frame
        findings = result.findings
        if options["json_out"]:
            rows = findings.select("line", "matricule", "column", "rule", "severity", "message").to_dicts()
            # A rule failing on a whole column is one fault of the column, not a finding per file.
            Path(options["json_out"]).write_text(
                json.dumps({"findings": rows, "systematic": result.systematic}, ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
        for entry in result.systematic:
            self.stderr.write(
                f"Défaut systématique : {entry['rule']}, colonne « {entry['column']} », {entry['lines']} lignes "
                f"(signalé une fois, pas dossier par dossier). Exemple : {entry['example']}"
            )
        for line in findings.head(50).get_column("message").to_list():
            self.stderr.write(line)
        recorded = ""
        if not options["dry_run"]:
            extract = extract_create(acting_user=None, kind=ExtractKind.HR_QUALITY, source_name=path.name, as_of=as_of,
                                     findings=findings, rows=result.rows, full=not options["partial"],
                                     counts=result.counts(), matricules=result.matricules, stage=False)  # fmt: skip
            extract = extract_record(acting_user=None, extract=extract, findings=findings)
            recorded = f" ; {extract.opened} constat(s) ouvert(s), {extract.closed} corrigé(s) depuis la précédente"
        self.stdout.write(
            f"{result.rows} ligne(s) contrôlée(s), {findings.height} constat(s) "
            f"sur {findings.get_column('line').n_unique() if findings.height else 0} ligne(s){recorded}."
        )
