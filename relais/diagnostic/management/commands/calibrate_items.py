"""Re-estimate the bank's item parameters from the answers collected (MML-EM, `relais.diagnostic.calibration`)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from relais.diagnostic.calibration import calibrate
from relais.diagnostic.models import Answer, Item


class Command(BaseCommand):
    help = (
        "Recalcule la discrimination (a) et la difficulté (b) des questions à partir des réponses recueillies "
        "(maximum de vraisemblance marginale, algorithme EM). Seules les questions assez répondues changent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-answers", type=int, default=200, help="Réponses nécessaires par question.")
        parser.add_argument("--iterations", type=int, default=100)
        parser.add_argument("--dry-run", action="store_true", help="Afficher sans enregistrer.")

    def handle(self, *args, **options):
        items = list(Item.objects.annotate(n=Count("answers")).order_by("code"))
        index = {item.pk: i for i, item in enumerate(items)}
        rows = list(
            Answer.objects.filter(session__finished_at__isnull=False).values_list("session_id", "item_id", "is_correct")
        )
        sessions = {s: i for i, s in enumerate(sorted({s for s, _, _ in rows}))}
        fit = [item.n >= options["min_answers"] for item in items]
        if not rows or not any(fit):
            self.stdout.write(f"Aucune question n'a {options['min_answers']} réponses : rien à recalibrer.")
            return
        a, b, runs = calibrate(
            [sessions[s] for s, _, _ in rows],
            [index[i] for _, i, _ in rows],
            [c for _, _, c in rows],
            [item.discrimination for item in items],
            [item.difficulty for item in items],
            fit,
            iterations=options["iterations"],
        )
        self.stdout.write(f"{len(sessions)} diagnostics, {len(rows)} réponses, {runs} itérations EM.")
        self.stdout.write(
            f"{'question':<22} {'réponses':>8} {'a avant':>8} {'a après':>8} {'b avant':>8} {'b après':>8}"
        )
        now = timezone.now()
        changed = []
        for i, item in enumerate(items):
            if not fit[i]:
                continue
            self.stdout.write(
                f"{item.code:<22} {item.n:>8} {item.discrimination:>8.2f} {a[i]:>8.2f} {item.difficulty:>8.2f} "
                f"{b[i]:>8.2f}"
            )
            item.discrimination, item.difficulty = round(float(a[i]), 3), round(float(b[i]), 3)
            item.calibrated_at, item.calibration_answers, item.updated_at = now, item.n, now
            changed.append(item)
        skipped = len(items) - len(changed)
        if options["dry_run"]:
            self.stdout.write(f"Simulation : rien n'est enregistré ({skipped} questions trop peu répondues).")
            return
        with transaction.atomic():
            Item.objects.bulk_update(
                changed, ["discrimination", "difficulty", "calibrated_at", "calibration_answers", "updated_at"]
            )
        self.stdout.write(f"{len(changed)} questions recalibrées, {skipped} inchangées (trop peu de réponses).")
