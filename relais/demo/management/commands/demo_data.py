"""`manage.py demo_data --agents 50000 --seed 1 [--as-of YYYY-MM-DD] [--if-empty]`: the demo organisation."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from relais.agents.models import Agent
from relais.demo.services import DemoRefused, demo_load, ensure_demo_mode


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of : date invalide « {value} », attendu AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = (
        "Crée une organisation de démonstration réaliste et déterministe (directions de Paris, sites, agents, "
        "messageries et un an d'historique d'adoption). Mode démonstration uniquement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agents", type=int, default=50_000, help="Nombre d'agents (50 000 par défaut).")
        parser.add_argument("--seed", type=int, default=1, help="Graine : même graine et même date, mêmes données.")
        parser.add_argument("--as-of", type=_date, default=None, help="Date de situation (aujourd'hui par défaut).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Ne rien faire si des agents existent déjà (premier lancement)."
        )

    def handle(self, *args, agents, seed, as_of, if_empty, **options):
        try:
            ensure_demo_mode()
            if if_empty and Agent.objects.exists():
                self.stdout.write("Des agents existent déjà : données de démonstration non rechargées.")
                return
            if isinstance(as_of, str):  # call_command(as_of="…") skips the parser's conversion
                as_of = _date(as_of)
            as_of = as_of or datetime.date.today()
            self.stdout.write(
                f"Données de démonstration : {agents} agents, graine {seed}, situation au {as_of:%d/%m/%Y}."
            )
            summary = demo_load(agents=agents, seed=seed, as_of=as_of, log=self.stdout.write)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Terminé en {summary['duree_s']} s."))
