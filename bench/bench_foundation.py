"""Foundation benchmark: build the demo (50,000 agents by default) in a scratch database, then time the
coordinator's home page and the HR correspondent's agent list (median and p95 over 50 requests).

    python bench/bench_foundation.py [--agents N] [--runs 50] [--no-pages]

Targets: demo_data ≤ 30 s for 50,000 agents on SQLite (≤ 15 min for 2,000,000 on PostgreSQL);
p95 ≤ 150 ms per page on SQLite. With DATABASE_URL set, that (empty, migrated here) database is used.
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

DEMO_TARGET_S = {50_000: 30}
PG_2M_TARGET_S = 15 * 60
PAGE_TARGET_P95_MS = 150
AS_OF = datetime.date(2025, 6, 30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-pages", action="store_true", help="Time demo_data only.")
    args = parser.parse_args(argv)

    os.environ.setdefault("RELAIS_DEMO_PASSWORD", "bench-demo-password")
    (Path(__file__).resolve().parent.parent / "var" / "static").mkdir(parents=True, exist_ok=True)
    vendor = setup("foundation")

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from relais.accounts.models import User

    start = time.perf_counter()
    call_command("demo_data", agents=args.agents, seed=1, as_of=AS_OF.isoformat(), stdout=sys.stdout)
    elapsed = time.perf_counter() - start
    target = PG_2M_TARGET_S if vendor == "postgresql" and args.agents >= 1_000_000 else DEMO_TARGET_S.get(args.agents)
    report_duration(f"demo_data --agents {args.agents} ({vendor})", elapsed, target_s=target)
    if args.no_pages:
        return 0

    call_command("demo_accounts", stdout=io.StringIO())
    for username, url_name, label in [
        ("coordination", "insights:home", "coordinator home /"),
        ("rh", "agents:agent_list", "HR correspondent (DPE) agent list /agents/"),
    ]:
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username=username))
        url = reverse(url_name)

        def get(client=client, url=url, username=username):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} as {username}: HTTP {response.status_code}")
            return response

        values = timings(get, runs=args.runs)
        report(f"{label} ({vendor}, {args.agents} agents)", values, target_p95_ms=PAGE_TARGET_P95_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
