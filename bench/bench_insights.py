"""Insights benchmark: the coordinator's dashboards at Paris scale, recomputed (cold) and memoised (warm).

    python bench/bench_insights.py [--agents 50000] [--runs 30] [--cold-runs 15] [--reuse]

Builds `demo_data --agents N --seed 1` (as of today, a year of adoption history and field work) in a
scratch database (var/bench/insights.sqlite3, or the empty database named by DATABASE_URL), then times,
logged in as the coordinator (`coordination`), each page with Django's test client:
- rebuild: the persisted summary (relais/insights/summary.py) rebuilt from the tables, alone;
- after a change: the summary marked stale and the memo emptied before every request. Waiting for the
  rebuild: the request rebuilds the summary, then computes and draws the page (what the first user pays
  after a write when no worker has rebuilt it yet). As set (`RELAIS_INSIGHTS_WAIT_SECONDS`): the same
  at 50,000 agents; at 2,000,000, where a rebuild is slower than that, the request reads the summary built
  earlier and queues the rebuild;
- cold: the memo is emptied before every request (another process, or the figures memoised for another
  key): figures read from the fresh summary, plus what is not summarised, and the page drawn;
- warm: the memo holds the figures (keyed on the journal's last id): one indexed read + rendering.
Targets (coordinator dashboard = the adoption page): p95 ≤ 150 ms on SQLite at 50,000 agents, ≤ 1 s on
PostgreSQL at 2,000,000. `--reuse` keeps an existing database (no rebuild).
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, report_duration, setup, timings  # noqa: E402

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--rebuild-runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="Keep the database if it already holds agents.")
    args = parser.parse_args(argv)

    os.environ.setdefault("RELAIS_DEMO_PASSWORD", "bench-demo-password")
    vendor = setup("insights", fresh=not args.reuse)

    import datetime

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from relais.accounts.models import User
    from relais.adoption.enums import Source
    from relais.adoption.models import MAILBOX, Tool
    from relais.adoption.services import observation_record
    from relais.agents.models import Agent
    from relais.insights import summary
    from relais.insights.models import Campaign, SummaryState
    from relais.insights.services import campaign_create
    from relais.organisation.models import Direction

    agents = Agent.objects.count()
    if not agents:
        start = time.perf_counter()
        call_command("demo_data", agents=args.agents, seed=1, stdout=io.StringIO())
        report_duration(f"demo_data --agents {args.agents} ({vendor})", time.perf_counter() - start)
        agents = Agent.objects.count()
    if not User.objects.filter(username="coordination").exists():
        call_command("demo_accounts", stdout=io.StringIO())
    coordinator = User.objects.get(username="coordination")
    campaign = Campaign.objects.first()
    if campaign is None:
        from django.db import transaction

        with transaction.atomic():
            campaign = campaign_create(
                acting_user=coordinator,
                name="Élections professionnelles",
                tool=Tool.objects.get(code=MAILBOX),
                target_share=0.8,
                deadline=timezone.localdate() + datetime.timedelta(days=120),
                directions=list(Direction.objects.filter(code__in=["DPE", "DFPE"])),
            )

    client = Client(SERVER_NAME="localhost")
    client.force_login(coordinator)
    pages = [
        ("coordinator home /", reverse("insights:home"), 150),
        ("adoption dashboard (coordinator dashboard)", reverse("insights:adoption"), 150),
        ("adoption dashboard, DPE, category C", reverse("insights:adoption") + "?direction=DPE&categorie=C", 150),
        ("impact page", reverse("insights:impact"), None),
        ("output page (12 months)", reverse("insights:output"), None),
        ("campaign page", reverse("insights:campaign_detail", args=[campaign.public_id]), None),
    ]
    target_scale = 1000 if vendor == "postgresql" and agents >= 1_000_000 else 150
    size = f"({vendor}, {agents} agents)"
    summary.ensure_fresh()
    today = timezone.localdate()
    report(f"summary rebuild {size}", timings(lambda: summary.rebuild(today), runs=args.rebuild_runs, warmup=0))
    summary.ensure_fresh()
    # What the task worker pays after a mediator records a first sign-in: the agent's direction recomputed.
    ids = list(Agent.objects.order_by("?").values_list("pk", flat=True)[: args.rebuild_runs + 1])

    def one_observation():
        agent = Agent.objects.get(pk=ids.pop())
        observation_record(
            acting_user=coordinator,
            agent=agent,
            tool=Tool.objects.get(code=MAILBOX),
            source=Source.MEDIATION,
            as_of=today,
            first_sign_in_on=today,
        )
        start = time.perf_counter()
        summary.ensure_fresh()
        return (time.perf_counter() - start) * 1000

    refreshes = [one_observation() for _ in range(args.rebuild_runs)]
    report(f"summary refresh after one observation (its direction) {size}", refreshes)

    def stale():
        SummaryState.objects.filter(pk=1).update(token="")
        cache.clear()

    for label, url, target in pages:
        target = target and target_scale

        def get(url=url):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            return response

        def cold(url=url):
            cache.clear()
            return get(url)

        if target:

            def after_change(url=url):
                stale()
                return get(url)

            # Waiting for the rebuild (what every request did before RELAIS_INSIGHTS_WAIT_SECONDS), then as set:
            # at 2,000,000 agents the request reads the summary built earlier and queues the rebuild.
            with override_settings(RELAIS_INSIGHTS_WAIT_SECONDS=float("inf")):
                waited = timings(after_change, runs=args.rebuild_runs, warmup=0)
            report(f"{label}, after a change, waiting for the rebuild {size}", waited)
            summary.ensure_fresh()
            with override_settings(TASKS=QUEUED):  # the rebuild queued for a worker, as in production
                report(f"{label}, after a change {size}", timings(after_change, runs=args.rebuild_runs, warmup=0))
        summary.ensure_fresh()
        report(f"{label}, cold {size}", timings(cold, runs=args.cold_runs, warmup=1), target_p95_ms=target)
        report(f"{label}, warm {size}", timings(get, runs=args.runs), target_p95_ms=target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
