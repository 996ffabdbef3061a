"""`python manage.py import_pix FILE [--dry-run] [--apply-valid-rows] [--direction CODE] [--json OUT]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.imports.columns import ignored_message
from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.management.commands._common import print_rejections
from relais.imports.services import import_file
from relais.organisation.models import Direction


class Command(BaseCommand):
    help = "Importe un export de campagne Pix Orga (collecte de profils ou évaluation)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV exporté de Pix Orga (onglet « Résultats » de la campagne)")
        parser.add_argument("--dry-run", action="store_true", help="Montrer ce qui changerait sans rien écrire")
        parser.add_argument(
            "--apply-valid-rows",
            action="store_true",
            help="Appliquer les lignes valides même si d'autres sont rejetées",
        )
        parser.add_argument(
            "--direction",
            help="Code de la direction de la campagne : les rapprochements par nom sont alors proposés "
            "(ils se confirment sur la page de l'import, jamais en ligne de commande)",
        )
        parser.add_argument("--json", dest="json_out", help="Écrire les comptes dans ce fichier JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        extra = {}
        if options["direction"]:
            direction = Direction.objects.filter(code__iexact=options["direction"]).first()
            if direction is None:
                raise CommandError(f"Direction inconnue : « {options['direction']} ».")
            extra["direction_id"] = direction.pk
        run = import_file(
            acting_user=None,
            kind=ImportKind.PIX,
            file_name=path.name,
            data=path,
            dry_run=options["dry_run"],
            apply_valid_rows=options["apply_valid_rows"],
            options=extra,
            on_wait=self.stderr.write,
        )
        for notice in run.notices:
            self.stderr.write(notice)
        print_rejections(self.stderr, run)
        pix = (run.examples or {}).get("pix", {})
        counts = {
            "matched": pix.get("matched", 0),
            "unmatched": pix.get("unmatched", 0),
            "not_shared": pix.get("not_shared", 0),
            "new": run.count_new,
            "newly_matched": run.count_updated,
            "unchanged": run.count_unchanged,
            "rejected": run.count_rejected,
            "proposed": len([p for p in pix.get("proposals", []) if not p.get("confirmed")]),
            "applied": run.status == ImportStatus.APPLIED,
            "dry_run": options["dry_run"],
        }
        if options["json_out"]:
            out = {**counts, "status": run.status, "error": run.error, "run": str(run.public_id) if run.pk else None}
            Path(options["json_out"]).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.error)
        for proposal in pix.get("proposals", [])[:10]:
            self.stderr.write(
                f"Ligne {proposal['line']} : « {proposal['file']} » ressemble à {proposal['agent']} — à confirmer sur "
                "la page de l'import (jamais rapproché sans confirmation)."
            )
        head = "Simulation (rien n'a été écrit)" if options["dry_run"] else "Import appliqué"
        self.stdout.write(
            f"{pix.get('kind', 'Pix Orga')} — {head} : {run.count_new} participations nouvelles, "
            f"{counts['matched']} rapprochées d'un agent, {counts['unmatched']} non rapprochées, "
            f"{counts['not_shared']} non partagées, {run.count_rejected} lignes rejetées ({run.duration or 0:.1f} s). "
            + ignored_message((run.options or {}).get("ignored_columns", []))
        )
