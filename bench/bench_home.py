"""Coordinator's home benchmark: the week on top of the city overview, at Paris scale.

    python bench/bench_home.py [--agents 50000] [--runs 30] [--cold-runs 15] [--reuse]

Builds `demo_data --agents N --seed 1` in a scratch database (var/bench/home.sqlite3, or the empty database
named by DATABASE_URL), plans the current week with a draft plan whose visits are partly confirmed if the demo
has none, then times GET / as the coordinator (`coordination`) with Django's test client:
- cold: the memo emptied before every request (figures read from the fresh summary, the week's counts live);
- warm: the memo holds the figures; the week's counts (plan, requests, tickets, follow-ups) are always live.
Target: p95 ≤ 150 ms on SQLite at 50,000 agents (the home page's budget, docs/performance.md).
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, report_duration, setup, timings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="Keep the database if it already holds agents.")
    args = parser.parse_args(argv)

    os.environ.setdefault("RELAIS_DEMO_PASSWORD", "bench-demo-password")
    vendor = setup("home", fresh=not args.reuse)

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.agents.models import Agent
    from relais.fieldwork.models import Participation
    from relais.helpdesk.models import Ticket
    from relais.insights import summary
    from relais.insights.agenda import agenda_week_start
    from relais.interventions.enums import RequestStatus
    from relais.interventions.models import InterventionRequest
    from relais.organisation.models import Site
    from relais.planning.models import Plan, PlannedVisit

    if not Agent.objects.exists():
        start = time.perf_counter()
        call_command("demo_data", agents=args.agents, seed=1, stdout=io.StringIO())
        report_duration(f"demo_data --agents {args.agents} ({vendor})", time.perf_counter() - start)
    if not User.objects.filter(username="coordination").exists():
        call_command("demo_accounts", stdout=io.StringIO())
    coordinator = User.objects.get(username="coordination")
    monday = agenda_week_start(timezone.localdate())
    if not Plan.objects.filter(week_start=monday).exists():
        plan = Plan.objects.create(week_start=monday)
        mediators = list(User.objects.filter(role=Role.MEDIATOR))
        sites = list(Site.objects.order_by("pk")[: 40 * len(mediators)])
        PlannedVisit.objects.bulk_create(
            PlannedVisit(
                plan=plan,
                site=site,
                mediator=mediators[i % len(mediators)],
                date=monday + datetime.timedelta(days=i % 5),
                starts_at=datetime.time(9),
                ends_at=datetime.time(10),
            )
            for i, site in enumerate(sites)
        )
    agents = Agent.objects.count()
    size = f"({vendor}, {agents} agents)"
    print(
        f"week: {PlannedVisit.objects.filter(plan__week_start=monday).count()} planned visits, "
        f"{InterventionRequest.objects.filter(status=RequestStatus.SUBMITTED).count()} requests waiting, "
        f"{Ticket.objects.count()} tickets, {Participation.objects.open_followups().count()} open follow-ups",
        flush=True,
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(coordinator)
    url = reverse("insights:home")

    def get():
        response = client.get(url)
        if response.status_code != 200 or b'data-testid="agenda"' not in response.content:
            raise SystemExit(f"{url}: HTTP {response.status_code} or no week on the page")
        return response

    def cold():
        cache.clear()
        return get()

    summary.ensure_fresh()
    cold_times = timings(cold, runs=args.cold_runs, warmup=1)
    report(f"coordinator home / with the week, cold {size}", cold_times, target_p95_ms=150)
    report(f"coordinator home / with the week, warm {size}", timings(get, runs=args.runs), target_p95_ms=150)
    return 0


if __name__ == "__main__":
    sys.exit(main())
