"""Retention benchmark: `purge_personal_data` on the demo city (50,000 agents, a year of history).

    python bench/bench_retention.py [--agents 50000] [--runs 3]

Builds `demo_data --agents N --seed 1` in a scratch database, then times, each run on a fresh copy (SQLite:
a file copy; PostgreSQL: inside a rolled-back transaction):
- dry run as of today (the nightly count);
- purge as of today (what the first night finds in the demo);
- purge as of today + 4 years, with every duration at its default (the worst night: every departed agent,
  every walk-in, ticket and journal entry past its duration);
- the same with every agent departed today (all 50,000 pseudonymised in one night).
Target: a night's purge within a minute at 50,000 agents (it runs at 03:00 in the worker).
"""

import argparse
import datetime
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, setup  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    vendor = setup("retention")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from relais.agents.models import Agent
    from relais.fieldwork.models import Participation
    from relais.helpdesk.models import Ticket
    from relais.journal.models import Entry
    from relais.retention.services import purge_personal_data

    start = time.perf_counter()
    call_command("demo_data", agents=args.agents, seed=1, verbosity=0)
    print(f"demo_data --agents {args.agents}: {time.perf_counter() - start:.1f} s ({vendor})")
    print(
        f"  {Agent.objects.count()} agents ({Agent.objects.filter(exit_date__isnull=False).count()} departed), "
        f"{Participation.objects.count()} participations, {Ticket.objects.count()} tickets, "
        f"{Entry.objects.count()} journal entries"
    )
    today = timezone.localdate()
    later = today + datetime.timedelta(days=4 * 365)
    db_path = Path(settings.DATABASES["default"]["NAME"]) if vendor == "sqlite" else None
    pristine = db_path.with_suffix(".pristine") if db_path else None
    if db_path:
        connection.close()
        shutil.copyfile(db_path, pristine)

    def one(day, dry_run):
        if db_path:
            connection.close()
            shutil.copyfile(pristine, db_path)
            for suffix in ("-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        t = time.perf_counter()
        with transaction.atomic():
            lines = purge_personal_data(dry_run=dry_run, today=day)
            elapsed = (time.perf_counter() - t) * 1000
            if not db_path:
                transaction.set_rollback(True)
        return elapsed, {line.kind: line.count for line in lines}

    for label, day, dry in (("dry run, today", today, True), ("purge, today", today, False),
                            ("purge, today + 4 years (worst night)", later, False)):  # fmt: skip
        values, counts = [], {}
        for _ in range(args.runs):
            ms, counts = one(day, dry)
            values.append(ms)
        report(f"purge_personal_data {label}, {args.agents} agents, {vendor}", values, target_p95_ms=60_000)
        print(f"  counts: {counts}")
    # Stress: every agent departed today, so that four years on all 50,000 are pseudonymised in one night.
    if db_path:
        connection.close()
        shutil.copyfile(pristine, db_path)
    with transaction.atomic():
        Agent.objects.filter(exit_date__isnull=True).update(exit_date=today)
    if db_path:
        connection.close()
        shutil.copyfile(db_path, pristine)
    values = []
    for _ in range(args.runs):
        ms, counts = one(later, False)
        values.append(ms)
    report(f"purge_personal_data, every agent departed, {args.agents} agents, {vendor}", values, target_p95_ms=60_000)
    print(f"  counts: {counts}")
    if pristine:
        pristine.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
