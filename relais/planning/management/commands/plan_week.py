"""Draw a week's plan: `python manage.py plan_week --week 2026-W49 [--mediators N] [--time-limit S] --json FILE`."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from relais.planning import services
from relais.planning.selectors import parse_week, team_for


class Command(BaseCommand):
    help = "Calcule le planning d'une semaine et écrit les visites et le résumé en JSON."

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="Semaine ISO, par exemple 2026-W49.")
        parser.add_argument(
            "--mediators",
            type=int,
            help=(
                "Nombre de médiateurs à planifier : les N premiers, ou toute l'équipe plus des renforts "
                "hypothétiques quand N dépasse l'équipe (jamais enregistrés)."
            ),
        )
        parser.add_argument("--time-limit", type=float, default=60.0, help="Secondes de calcul (60 par défaut).")
        parser.add_argument("--json", dest="json_path", required=True, help="Fichier de sortie.")
        parser.add_argument("--save", action="store_true", help="Enregistrer le planning comme brouillon.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--bound-time-limit",
            type=float,
            default=300.0,
            help="Secondes au plus pour la borne supérieure, calculée après le planning (300 par défaut).",
        )

    def handle(self, *args, week, mediators, time_limit, json_path, save, seed, bound_time_limit, **options):
        try:
            week_start = parse_week(week)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        if mediators is not None and mediators < 1:
            raise CommandError("--mediators : au moins 1.")
        team, reinforcements = team_for(mediators)
        if reinforcements:
            self.stdout.write(
                f"Simulation : {len(team) - reinforcements} médiateurs de l'équipe + {reinforcements} renforts "
                "hypothétiques (horaires par défaut, bureau d'un médiateur de l'équipe)."
            )
            if save:
                raise CommandError("--save : un planning avec des renforts hypothétiques ne s'enregistre pas.")
        if save:
            _, outcome = services.plan_draw(
                acting_user=None,
                week_start=week_start,
                time_limit=time_limit,
                mediators=team,
                bound_time_limit=bound_time_limit,
            )
        else:
            outcome = services.draw_week(
                week_start, time_limit=time_limit, mediators=team, seed=seed, bound_time_limit=bound_time_limit
            )
        week_data = outcome.week
        routes = []
        for route in outcome.plan.routes:
            user = week_data.mediators[route.mediator]
            routes.append(
                {
                    "mediator": getattr(user, "username", str(user)),
                    "date": week_data.date(route.day).isoformat(),
                    "visits": [
                        {
                            "site": str(week_data.sites[s.site].public_id),
                            "site_name": week_data.sites[s.site].name,
                            "starts_at": f"{s.start // 60:02d}:{s.start % 60:02d}",
                            "ends_at": f"{s.end // 60:02d}:{s.end % 60:02d}",
                            "agents": s.agents,
                            "fixed": s.fixed,
                        }
                        for s in route.stops
                    ],
                }
            )
        summary = outcome.summary()
        doc = {
            "week": week,
            "reinforcements": reinforcements,
            "summary": summary,
            "skipped_days": week_data.skipped_days,
            "routes": routes,
        }
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=2)
        self.stdout.write(
            f"{summary['visits']} visites, {summary['agents_reached']} agents atteints ; "
            f"borne {summary['upper_bound']} ; "
            f"méthode simple (site prioritaire le plus proche) {summary['greedy_agents']} ; "
            f"glouton au ratio {summary['ratio_greedy_agents']} ; {summary['solve_seconds']} s ; "
            f"{'faisable' if summary['feasible'] else 'PROBLÈMES : ' + '; '.join(summary['problems'])}"
        )
