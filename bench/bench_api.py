"""Public API benchmark: the agents list at 50,000 agents (page of 100, cursor pages) and an adoption push of
50,000 observations in batches of 1,000, through the real HTTP stack (Django test client, token auth, rate limit
counted in the shared file cache).

    python bench/bench_api.py [--agents 50000] [--runs 50] [--batch 1000] [--list-only]
    DATABASE_URL=postgres://…/relais_bapi python bench/bench_api.py --agents 2000000 --list-only

Targets: list p95 ≤ 100 ms per page at 50,000 agents (SQLite), ≤ 200 ms at 2,000,000 (PostgreSQL, where the
referential is written by generate_series); the push of 50,000 observations ≤ 60 s.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, report_duration, setup, timings  # noqa: E402

LIST_TARGET_P95_MS = 100
LARGE_LIST_TARGET_P95_MS = 200
PUSH_TARGET_S = 60
DIRECTIONS = ("DPE", "DFPE", "DASCO", "DJS", "DEVE", "DCPA")


def build(n_agents: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from relais.adoption.models import Tool, ToolAccount
    from relais.agents.models import Agent
    from relais.organisation.models import Direction

    directions = [Direction.objects.create(code=c, name=c) for c in DIRECTIONS]
    now = timezone.now()
    if connection.vendor == "postgresql":
        build_in_sql(n_agents, [d.pk for d in directions], Tool.objects.get(code="messagerie").pk)
        return
    agents = []
    for i in range(n_agents):
        matricule = f"{400000 + i}"
        agents.append(
            Agent(
                matricule=matricule,
                last_name="Durand",
                first_name="Sandrine",
                category="C",
                direction=rng.choice(directions),
                search_text=Agent.build_search_text(
                    last_name="Durand", usage_name="", first_name="Sandrine", matricule=matricule
                ),
            )
        )
    with transaction.atomic():
        Agent.objects.bulk_create(agents, batch_size=5000)
        mailbox = Tool.objects.get(code="messagerie")
        ids = list(Agent.objects.values_list("pk", flat=True))
        ToolAccount.objects.bulk_create(
            [ToolAccount(agent_id=pk, tool=mailbox, provisioned_on=datetime.date(2025, 9, 1)) for pk in ids],
            batch_size=5000,
        )

    # auto_now overrides the stamps in bulk_create: spread the modification dates over a year, as a real
    # referential's are, with plain SQL.
    stamps = [(now - datetime.timedelta(seconds=rng.randint(0, 86400 * 365)), pk) for pk in ids]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Agent._meta.db_table} SET updated_at = %s WHERE id = %s",  # noqa: S608
            [(connection.ops.adapt_datetimefield_value(t), pk) for t, pk in stamps],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_in_sql(n_agents: int, direction_ids: list[int], mailbox_id: int) -> None:
    """The same referential written by PostgreSQL itself (generate_series): millions of agents in minutes."""
    from django.db import connection

    from relais.adoption.models import ToolAccount
    from relais.agents.models import Agent

    directions = "ARRAY[" + ",".join(str(pk) for pk in direction_ids) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Agent._meta.db_table} (public_id, created_at, updated_at, matricule, last_name, "  # noqa: S608
            "usage_name, first_name, category, filiere, statut, grade, job_title, direction_id, work_phone, "
            "work_email, search_text) "
            "SELECT gen_random_uuid(), now(), now() - random() * interval '365 days', (400000 + g)::text, "
            "'Durand', '', 'Sandrine', 'C', '', '', '', '', "
            f"({directions})[1 + g %% {len(direction_ids)}], '', '', 'durand sandrine ' || (400000 + g)::text "
            "FROM generate_series(0, %s - 1) AS g",
            [n_agents],
        )
        cursor.execute(
            f"INSERT INTO {ToolAccount._meta.db_table} (created_at, updated_at, agent_id, tool_id, login, "  # noqa: S608
            f"provisioned_on) SELECT now(), now(), id, %s, '', DATE '2025-09-01' FROM {Agent._meta.db_table}",
            [mailbox_id],
        )
        cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--list-only", action="store_true", help="time the list pages only (no walk, no push)")
    args = parser.parse_args(argv)
    # Counted on every call as in production, but high enough never to refuse the benchmark's own calls.
    os.environ.setdefault("RELAIS_API_RATE_LIMIT", "1000000")
    vendor = setup("api")

    from django.test import Client

    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.adoption.models import Observation
    from relais.agents.models import Agent
    from relais.api.enums import Scope
    from relais.api.pagination import encode_cursor
    from relais.api.services import application_create, token_create
    from relais.organisation.models import Direction

    start = time.perf_counter()
    build(args.agents, random.Random(1))
    report_duration(f"bulk-create {args.agents} agents and mailboxes ({vendor})", time.perf_counter() - start)

    coordinator = User.objects.create_user(username="coordination", password="x" * 12, role=Role.COORDINATOR)
    admin = User.objects.create_user(username="admin", password="x" * 12, role=Role.ADMIN, is_superuser=True)
    application = application_create(acting_user=admin, name="SIRH", directions=[Direction.objects.get(code="DPE")])

    def bearer(**owner):
        return {"Authorization": f"Bearer {token_create(acting_user=admin, scopes=Scope.values, **owner).clear}"}

    city, scoped, pusher = bearer(user=coordinator), bearer(application=application), bearer(user=admin)
    client = Client(SERVER_NAME="localhost")

    def get(params, headers):
        def run():
            response = client.get("/api/v1/agents", params, headers=headers)
            assert response.status_code == 200, response.content[:300]
            assert len(response.json()["items"]) == params.get("limit", 100)

        return run

    middle = client.get("/api/v1/agents", {"limit": 500}, headers=city).json()
    for _ in range(50):  # 25,000 agents in: a cursor from the middle of the walk
        middle = client.get("/api/v1/agents", {"limit": 500, "cursor": middle["next_cursor"]}, headers=city).json()
    deep = Agent.objects.order_by("updated_at", "pk").values_list("updated_at", "pk")[args.agents * 9 // 10]
    since = Agent.objects.order_by("-updated_at").values_list("updated_at", flat=True)[args.agents // 10].isoformat()
    # The figures: p95 ≤ 100 ms at 50,000 agents on SQLite, ≤ 200 ms at 2,000,000 on PostgreSQL.
    list_target = LIST_TARGET_P95_MS if args.agents < 2_000_000 else LARGE_LIST_TARGET_P95_MS
    for label, params, headers in [
        ("GET /api/v1/agents, first page of 100 (city-wide)", {}, city),
        ("GET /api/v1/agents, page of 100 at 25,000 (cursor)", {"cursor": middle["next_cursor"]}, city),
        ("GET /api/v1/agents, page of 100 at 90 % (cursor)", {"cursor": encode_cursor(*deep)}, city),
        ("GET /api/v1/agents?modified_since (last 10 %)", {"modified_since": since}, city),
        ("GET /api/v1/agents, one direction's application", {}, scoped),
        ("GET /api/v1/agents, page of 500 (city-wide; no target)", {"limit": 500}, city),
    ]:
        target = None if params.get("limit") == 500 else list_target
        report(label, timings(get(params, headers), runs=args.runs), target_p95_ms=target)
    if args.list_only:
        return 0

    start, pages, seen = time.perf_counter(), 0, 0
    params = {"limit": 500}
    while True:
        body = client.get("/api/v1/agents", params, headers=city).json()
        pages, seen = pages + 1, seen + len(body["items"])
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == args.agents, seen
    report_duration(f"walk of every agent, pages of 500 ({pages} pages)", time.perf_counter() - start)

    matricules = list(Agent.objects.order_by("pk").values_list("matricule", flat=True))
    rng = random.Random(2)
    batches = []
    for offset in range(0, len(matricules), args.batch):
        items = [
            {
                "matricule": m,
                "source": "m365",
                "as_of": "2026-03-02",
                "login": f"agent.{m}@paris.fr",
                "first_sign_in_on": f"2026-02-{rng.randint(1, 28):02d}" if rng.random() < 0.6 else None,
                "last_activity_on": "2026-03-01" if rng.random() < 0.4 else None,
            }
            for m in matricules[offset : offset + args.batch]
        ]
        batches.append(json.dumps({"items": items}))
    durations = []
    start = time.perf_counter()
    for n, body in enumerate(batches):
        t0 = time.perf_counter()
        response = client.post(
            "/api/v1/adoption/observations",
            body,
            content_type="application/json",
            headers=pusher | {"Idempotency-Key": f"bench-{n}"},
        )
        assert response.status_code == 200, response.content[:300]
        durations.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    assert Observation.objects.count() == len(matricules)
    report(f"POST /api/v1/adoption/observations, batch of {args.batch}", durations)
    report_duration(
        f"push of {len(matricules)} observations ({len(batches)} batches)",
        total,
        target_s=PUSH_TARGET_S,
        extra=f"({len(matricules) / total:,.0f} observations/s)",
    )
    start = time.perf_counter()
    response = client.post(
        "/api/v1/adoption/observations",
        batches[0],
        content_type="application/json",
        headers=pusher | {"Idempotency-Key": "bench-0"},
    )
    assert response.status_code == 200
    report_duration("same batch again, same Idempotency-Key (replayed)", time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
