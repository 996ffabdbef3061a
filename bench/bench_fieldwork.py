"""Field work: participant search, and recording outcomes under load against a real server.

1. Search: `agent_search` (what the phone calls while the mediator types) on the demo referential: a few
   hundred typed inputs (prefixes, typos, first + last names, matricules), each with the site of the agent
   looked for. Targets: p95 ≤ 30 ms at 50,000 agents on SQLite, p95 ≤ 50 ms at 2,000,000 on PostgreSQL.
2. Load: gunicorn on 127.0.0.1 (free port), 50 simulated mediators (threads, each with its own session),
   tapping outcomes and adding walk-ins with a think time, for a bounded time; some requests are sent
   twice with the same idempotency key (a retry), some are cut before the response is read (a dropped
   connection) then retried. Target p99 ≤ 100 ms, 0 error; afterwards the database holds every write
   exactly once (no lost, no duplicate).
3. Add (issue 16 §5): the same server, 50 mediators each adding people (agents found by the search, walk-ins)
   to a workshop sheet already holding 160 agents, with the same retries and dropped connections. Target
   p99 ≤ 300 ms, 0 error; afterwards each intended person is on their sheet exactly once (counted in the
   database), one receipt and one journal entry per add.
4. Poll: the QR page's live sheet (SHEET_ROWS rows) polled while nothing changes (answered 204) and redrawn.

Usage:
    python bench/bench_fieldwork.py                       # SQLite scratch file, 50,000 agents, search + load
    DATABASE_URL=postgres://…/relais_fw2m python bench/bench_fieldwork.py --agents 2000000 --parts search
        # an existing database, used as it is (built beforehand with `demo_data --agents 2000000`)

With DATABASE_URL the database is never rebuilt: the referential is generated only if it holds no agent.
Options (or env): --agents (BENCH_AGENTS, 50000), --parts (BENCH_PARTS, search,load,add,poll), --queries (400),
--explain (print the plans of the search's queries); BENCH_FRESH (1: rebuild the SQLite scratch file),
BENCH_MEDIATORS (50), BENCH_SECONDS (20), BENCH_WORKERS (2), BENCH_THREADS (8), BENCH_SHEET_ROWS (160).
"""

import argparse
import http.client
import os
import random
import socket
import string
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, percentile, report, setup, timings  # noqa: E402

MEDIATORS = int(os.environ.get("BENCH_MEDIATORS", 50))
SECONDS = float(os.environ.get("BENCH_SECONDS", 20))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_THREADS", 8))
THINK = (1.0, 3.0)  # seconds between two taps of one mediator (one hand, talking with the agent)
RETRY_SHARE = 0.08  # the phone re-sends the same entry (lost response)
DROP_SHARE = 0.03  # the connection drops before the response: re-sent with the same key


def build_referential(agents: int) -> None:
    from django.core.management import call_command

    from relais.agents.models import Agent

    if not Agent.objects.exists():
        started = time.perf_counter()
        call_command("demo_data", agents=agents, seed=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"demo_data --agents {agents}: {time.perf_counter() - started:.1f} s", flush=True)


def sample_agents(n: int, rng: random.Random) -> list[tuple]:
    """`n` agents drawn at random by primary key (no ORDER BY random() over millions of rows)."""
    from django.db.models import Max, Min

    from relais.agents.models import Agent

    bounds = Agent.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    picked: dict[int, tuple] = {}
    while len(picked) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(2 * n)]
        rows = (
            Agent.objects.in_post()
            .filter(pk__in=ids)
            .values_list("pk", "last_name", "first_name", "matricule", "site_id")
        )
        for pk, *rest in rows:
            picked.setdefault(pk, tuple(rest))
    return [(pk, *picked[pk]) for pk in list(picked)[:n]]


def search_queries(rng: random.Random, n: int) -> list[tuple[str, object, int, str]]:
    """Realistic inputs while typing: 3–6 letters of a surname, a typo, first + last name, a matricule.

    Each comes with the site of the agent looked for (the mediator is there) and the agent's pk.
    """
    from relais.core.text import fold
    from relais.organisation.models import Site

    agents = sample_agents(n, rng)
    sites = {s.pk: s for s in Site.objects.filter(pk__in={a[4] for a in agents if a[4]})}
    queries = []
    for pk, last, first, matricule, site_id in agents:
        name = fold(last).split()[0] if fold(last) else "martin"
        site = sites.get(site_id)
        kind = rng.random()
        if kind < 0.35:
            q, what = name[: rng.randint(3, 6)], "prefix"
        elif kind < 0.6 and len(name) > 4:
            i = rng.randrange(3, len(name))
            q, what = name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :], "typo"  # after the third letter
        elif kind < 0.8:
            q, what = f"{fold(first).split()[0] if fold(first) else ''} {name}", "first+last"
        else:
            q, what = matricule[: rng.randint(4, len(matricule))], "matricule"
        queries.append((q, site, pk, what))
    return queries


def explain_search(user, queries) -> None:
    """The plans PostgreSQL (or SQLite) chooses for the search's queries, on a few typed inputs."""
    from django.db import connection

    from relais.fieldwork import selectors

    captured = []
    for q, site, _, what in queries[:4]:
        with connection.execute_wrapper(
            lambda execute, sql, params, many, ctx: captured.append((sql, params)) or execute(sql, params, many, ctx)
        ):
            selectors.agent_search(user=user, query=q, site=site)
        print(f"  -- {what} {q!r}", flush=True)
        for sql, params in captured:
            if "agents_agent" not in sql or sql.startswith("EXPLAIN") or sql.lstrip().upper().startswith("SET"):
                continue
            with connection.cursor() as cursor:
                prefix = (
                    "EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) "
                    if connection.vendor == "postgresql"
                    else "EXPLAIN QUERY PLAN "
                )
                cursor.execute(prefix + sql, params)
                plan = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
            print("    " + sql[:160].replace("\n", " "), flush=True)
            for line in plan:
                print("      " + line, flush=True)
        captured.clear()


def bench_search(*, n_queries: int, explain: bool) -> None:
    from django.db import connection

    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.agents.models import Agent
    from relais.fieldwork.selectors import agent_search

    n_agents = Agent.objects.count()
    target = 50 if connection.vendor == "postgresql" else 30
    user = User.objects.filter(role=Role.MEDIATOR).first()
    rng = random.Random(7)
    queries = search_queries(rng, n_queries)
    if explain:
        explain_search(user, queries)
    found = top = 0
    durations = []
    slowest = []
    by_kind: dict[str, list[float]] = {}
    for q, site, _, _ in queries[:10]:
        agent_search(user=user, query=q, site=site)  # warm-up
    for q, site, pk, what in queries:
        start = time.perf_counter()
        hits = agent_search(user=user, query=q, site=site)
        durations.append((time.perf_counter() - start) * 1000)
        by_kind.setdefault(what, []).append(durations[-1])
        slowest.append((durations[-1], q))
        found += bool(hits)
        top += any(h.agent.pk == pk for h in hits)
    report(
        f"participant search, {n_agents:,} agents, {connection.vendor} ({len(queries)} queries)",
        durations,
        target_p95_ms=target,
    )
    for what, values in sorted(by_kind.items()):
        report(f"  {what}", values)
    print(
        f"  with at least one result: {found}/{len(queries)}; the agent looked for among the 8 shown: "
        f"{top}/{len(queries)}",
        flush=True,
    )
    print("  slowest:", ", ".join(f"{q!r} {ms:.0f} ms" for ms, q in sorted(slowest, reverse=True)[:6]), flush=True)


# --- Load test ------------------------------------------------------------------------------------------------


def prepare_load(rng: random.Random) -> list[dict]:
    """50 mediators, each with a visit under way today, a workshop of five agents, and a session."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.agents.models import Agent
    from relais.fieldwork import services
    from relais.fieldwork.enums import ActivityKind
    from relais.organisation.models import Site

    today = datetime.date.today()
    run = uuid.uuid4().hex[:6]  # fresh users per run: the checks below count this run's writes only
    sites = list(Site.objects.filter(agents__isnull=False).distinct().order_by("pk")[: MEDIATORS * 3])
    people = []
    for n in range(MEDIATORS):
        user, _ = User.objects.get_or_create(
            username=f"bench-{run}-{n:02}",
            defaults={"role": Role.MEDIATOR, "first_name": "Bench", "last_name": f"M{n}"},
        )
        site = sites[n % len(sites)]
        visit = services.visit_create(acting_user=user, site=site, date=today, mediators=[user]).obj
        services.visit_start(visit=visit, acting_user=user)
        activity = services.activity_add(
            visit=visit, acting_user=user, kind=ActivityKind.WORKSHOP, title="Messagerie", duration_minutes=60
        ).obj
        agents = list(Agent.objects.filter(site=site).order_by("pk")[:5]) or list(Agent.objects.order_by("?")[:5])
        parts = [services.participant_add(activity=activity, acting_user=user, agent=a).obj for a in agents]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
        people.append(
            {
                "user_id": user.pk,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "csrf": csrf,
                "activity": str(activity.public_id),
                "direction": site.direction.code,
                "parts": [{"id": str(p.public_id), "password_reset": False, "apps": False} for p in parts],
            }
        )
    return people


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def warm_up(port: int, people: list[dict]) -> None:
    """Each worker imports, compiles templates and opens its database connection before the clock starts."""

    def visit_pages(me: dict) -> None:
        for path in (f"/terrain/activites/{me['activity']}/", "/terrain/ma-journee/"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Cookie": me["cookie"], "Host": f"127.0.0.1:{port}"})
            conn.getresponse().read()
            conn.close()

    threads = [threading.Thread(target=visit_pages, args=(me,)) for me in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class Mediator(threading.Thread):
    def __init__(self, port: int, me: dict, seed: int, stop_at: float):
        super().__init__(daemon=True)
        self.port, self.me, self.rng, self.stop_at = port, me, random.Random(seed), stop_at
        self.latencies: list[float] = []
        self.sizes: list[int] = []
        self.errors: list[str] = []
        self.intents: dict[str, str] = {}  # key -> kind ("outcome" | "walkin")
        self.retries = self.drops = self.network_retries = 0

    def post(self, path: str, form: dict, *, drop: bool = False) -> None:
        body = urlencode(form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.me["cookie"],
            "X-CSRFToken": self.me["csrf"],
            "HX-Request": "true",
            "Host": f"127.0.0.1:{self.port}",
        }
        if drop:
            # The phone sends, then loses the connection before the answer arrives.
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
                conn = http.client.HTTPConnection("127.0.0.1", self.port)
                conn.sock = raw
                conn.request("POST", path, body=body, headers=headers)
            self.drops += 1
            return
        start = time.perf_counter()
        for attempt in range(4):
            try:
                # A fresh connection per tap, as a phone waking up would open (gunicorn drops idle keep-alives).
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                self.sizes.append(len(response.read()))
                conn.close()
                break
            except (OSError, http.client.HTTPException) as exc:
                # The outbox keeps the entry and sends it again with the same key.
                self.network_retries += 1
                if attempt == 3:
                    self.errors.append(f"{path}: {exc!r}")
                    return
                time.sleep(0.2)
        self.latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            self.errors.append(f"{path}: HTTP {response.status}")

    def run(self) -> None:
        me = self.me
        while time.time() < self.stop_at:
            time.sleep(self.rng.uniform(*THINK))
            key = str(uuid.uuid4())
            if self.rng.random() < 0.2:
                path = f"/terrain/activites/{me['activity']}/participants/"
                form = {"direction": me["direction"], "category": "C", "walk_in_label": "", "idempotency_key": key}
                self.intents[key] = "walkin"
            else:
                part = self.rng.choice(me["parts"])
                path = f"/terrain/participations/{part['id']}/resultat/"
                if self.rng.random() < 0.5:
                    part["password_reset"] = not part["password_reset"]
                    form = {"field": "password_reset", "value": "1" if part["password_reset"] else "0"}
                else:
                    part["apps"] = not part["apps"]
                    form = {"field": "app", "app": "badgeuse", "value": "1" if part["apps"] else "0"}
                form["idempotency_key"] = key
                self.intents[key] = "outcome"
            draw = self.rng.random()
            if draw < DROP_SHARE:
                self.post(path, form, drop=True)
                time.sleep(0.3)
                self.post(path, form)  # the outbox re-sends it
            else:
                self.post(path, form)
                if draw < DROP_SHARE + RETRY_SHARE:
                    self.retries += 1
                    self.post(path, form)  # same key again: must write nothing more


def bench_load() -> None:
    from django.db import connection

    from relais.fieldwork.models import Participation, WriteReceipt
    from relais.journal.models import Entry

    rng = random.Random(11)
    people = prepare_load(rng)
    connection.close()
    port = free_port()
    server = start_server(port)
    try:
        warm_up(port, people)
        stop_at = time.time() + SECONDS
        threads = [Mediator(port, me, seed=n, stop_at=stop_at) for n, me in enumerate(people)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 60)
        elapsed = time.perf_counter() - started
        time.sleep(1)  # let dropped requests finish on the server
    finally:
        server.terminate()
        server.wait(timeout=20)

    latencies = [x for t in threads for x in t.latencies]
    errors = [e for t in threads for e in t.errors]
    intents = {k: v for t in threads for k, v in t.intents.items()}
    report(
        f"record outcome over HTTP, {MEDIATORS} mediators, {WORKERS}x{THREADS} gunicorn", latencies, target_p95_ms=None
    )
    p99 = percentile(latencies, 99)
    print(
        f"  {len(latencies)} requests in {elapsed:.1f} s ({len(latencies) / elapsed:.0f}/s), "
        f"retries {sum(t.retries for t in threads)}, dropped connections {sum(t.drops for t in threads)}, "
        f"network re-sends {sum(t.network_retries for t in threads)}, "
        f"errors {len(errors)}  target p99 ≤ 100 ms: {'OK' if p99 <= 100 else 'MISSED'} ({p99:.1f} ms)",
        flush=True,
    )
    for e in errors[:5]:
        print("  error:", e)

    # Exactly once: one receipt per intended write, one walk-in row per walk-in intent, final states match.
    receipts = set(WriteReceipt.objects.filter(key__in=list(intents)).values_list("key", flat=True))
    lost = [k for k in intents if uuid.UUID(k) not in receipts]
    user_ids = [me["user_id"] for me in people]
    walkins = Participation.objects.filter(is_walk_in=True, created_by_id__in=user_ids).count()
    expected_walkins = sum(1 for v in intents.values() if v == "walkin")
    outcome_entries = Entry.objects.filter(action="fieldwork.outcome_record", acting_user_id__in=user_ids).count()
    expected_outcomes = sum(1 for v in intents.values() if v == "outcome")
    mismatched = 0
    for me in people:
        for part in me["parts"]:
            p = Participation.objects.get(public_id=part["id"])
            installed = p.apps_installed.filter(code="badgeuse").exists()
            mismatched += p.password_reset != part["password_reset"] or installed != part["apps"]
    ok = not lost and walkins == expected_walkins and outcome_entries == expected_outcomes and not mismatched
    print(
        f"  writes: {len(intents)} intended, {len(receipts)} receipts, lost {len(lost)}; walk-ins {walkins}/"
        f"{expected_walkins}; outcome journal entries {outcome_entries}/{expected_outcomes}; final states "
        f"mismatched {mismatched}  exactly once: {'OK' if ok else 'MISSED'}",
        flush=True,
    )
    if errors or not ok:
        raise SystemExit(1)


SHEET_ROWS = int(os.environ.get("BENCH_SHEET_ROWS", 160))
ADD_POOL = 40  # agents each mediator may still add (found by the search), beyond the sheet's rows


def prepare_add(rng: random.Random) -> list[dict]:
    """50 mediators, each running a workshop whose sheet already holds SHEET_ROWS agents (issue 16 §5)."""
    import datetime

    from relais.agents.models import Agent
    from relais.fieldwork import services
    from relais.fieldwork.models import Participation

    people = prepare_load(rng)  # their visits, sessions and a first workshop; each gets a long sheet below
    today = datetime.date.today()
    agents = list(Agent.objects.order_by("pk").values_list("pk", "public_id", "direction_id", "category"))
    per = SHEET_ROWS + ADD_POOL
    if len(agents) < per * len(people):
        raise SystemExit(f"{per * len(people)} agents needed, {len(agents)} in the referential")
    for n, me in enumerate(people):
        from relais.fieldwork.models import Activity

        visit = Activity.objects.get(public_id=me["activity"]).visit
        assert visit.date == today
        activity = services.activity_add(
            visit=visit, acting_user=visit.mediators.get(), kind="workshop", title="Badgeuse", duration_minutes=60
        ).obj
        mine = agents[n * per : (n + 1) * per]
        Participation.objects.bulk_create(
            Participation(activity=activity, agent_id=pk, direction_id=d, category=c, created_by_id=me["user_id"])
            for pk, _, d, c in mine[:SHEET_ROWS]
        )
        me["sheet"] = str(activity.public_id)
        me["pool"] = [str(public_id) for _, public_id, _, _ in mine[SHEET_ROWS:]]
    return people


class Adder(Mediator):
    """A mediator adding people to a long sheet: agents found by the search (80 %), walk-ins (20 %)."""

    def run(self) -> None:
        me = self.me
        path = f"/terrain/activites/{me['sheet']}/participants/"
        while time.time() < self.stop_at:
            time.sleep(self.rng.uniform(*THINK))
            key = str(uuid.uuid4())
            if me["pool"] and self.rng.random() < 0.8:
                agent = me["pool"].pop()
                form = {"agent": agent, "idempotency_key": key}
                self.intents[key] = agent
            else:
                form = {"direction": me["direction"], "category": "C", "walk_in_label": "", "idempotency_key": key}
                self.intents[key] = "walkin"
            draw = self.rng.random()
            if draw < DROP_SHARE:
                self.post(path, form, drop=True)
                time.sleep(0.3)
                self.post(path, form)
            else:
                self.post(path, form)
                if draw < DROP_SHARE + RETRY_SHARE:
                    self.retries += 1
                    self.post(path, form)


def bench_add() -> None:
    from django.db import connection
    from django.db.models import Count

    from relais.fieldwork.models import Participation, WriteReceipt
    from relais.journal.models import Entry

    rng = random.Random(16)
    people = prepare_add(rng)
    user_ids = [me["user_id"] for me in people]
    journal_before = Entry.objects.filter(action="fieldwork.participant_add", acting_user_id__in=user_ids).count()
    connection.close()
    port = free_port()
    server = start_server(port)
    try:
        warm_up(port, people)
        stop_at = time.time() + SECONDS
        threads = [Adder(port, me, seed=100 + n, stop_at=stop_at) for n, me in enumerate(people)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 60)
        elapsed = time.perf_counter() - started
        time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=20)

    latencies = [x for t in threads for x in t.latencies]
    sizes = [x for t in threads for x in t.sizes]
    errors = [e for t in threads for e in t.errors]
    report(f"add a participant to a {SHEET_ROWS}+ row sheet, {MEDIATORS} mediators, {WORKERS}x{THREADS} gunicorn",
           latencies, target_p95_ms=None)  # fmt: skip
    p99 = percentile(latencies, 99)
    print(
        f"  {len(latencies)} requests in {elapsed:.1f} s ({len(latencies) / elapsed:.0f}/s), answer "
        f"{sum(sizes) / max(len(sizes), 1) / 1024:.1f} KB on average, retries {sum(t.retries for t in threads)}, "
        f"dropped connections {sum(t.drops for t in threads)}, network re-sends "
        f"{sum(t.network_retries for t in threads)}, errors {len(errors)}  "
        f"target p99 ≤ 300 ms: {'OK' if p99 <= 300 else 'MISSED'} ({p99:.1f} ms)",
        flush=True,
    )
    for e in errors[:5]:
        print("  error:", e)

    # Exactly once, counted in the database: each intended agent once on its sheet, each walk-in once.
    lost = duplicated = 0
    intended = 0
    for t in threads:
        me = t.me
        alive = Participation.objects.filter(activity__public_id=me["sheet"], deleted_at__isnull=True)
        agents = [v for v in t.intents.values() if v != "walkin"]
        rows = dict(
            alive.filter(agent__public_id__in=agents)
            .values_list("agent__public_id")
            .annotate(n=Count("pk"))
            .values_list("agent__public_id", "n")
        )
        lost += sum(1 for a in agents if rows.get(uuid.UUID(a), 0) == 0)
        duplicated += sum(n - 1 for n in rows.values() if n > 1)
        walkins = alive.filter(is_walk_in=True).count()
        expected_walkins = sum(1 for v in t.intents.values() if v == "walkin")
        lost += max(expected_walkins - walkins, 0)
        duplicated += max(walkins - expected_walkins, 0)
        intended += len(t.intents)
        assert alive.count() >= SHEET_ROWS
    keys = [k for t in threads for k in t.intents]
    receipts = WriteReceipt.objects.filter(key__in=keys).count()
    journal = (
        Entry.objects.filter(action="fieldwork.participant_add", acting_user_id__in=user_ids).count() - journal_before
    )
    ok = not lost and not duplicated and receipts == intended and journal == intended
    print(
        f"  adds: {intended} intended, {receipts} receipts, {journal} journal entries; lost {lost}, duplicated "
        f"{duplicated}  exactly once: {'OK' if ok else 'MISSED'}",
        flush=True,
    )
    if errors or not ok or p99 > 300:
        raise SystemExit(1)


def bench_poll() -> None:
    """The QR page's live sheet, polled every 2 s by each mediator's screen: unchanged (204) against redrawn."""
    import re

    from django.test import Client
    from django.urls import reverse

    from relais.accounts.models import User

    me = prepare_add(random.Random(11))[0]
    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(pk=me["user_id"]))
    url = reverse("fieldwork:participant_list", args=[me["sheet"]]) + "?compact=1"
    drawn = client.get(url)
    poll = re.search(r'hx-get="([^"]+)"', drawn.content.decode()).group(1).replace("&amp;", "&")
    assert client.get(poll).status_code == 204
    report(f"live sheet poll, {SHEET_ROWS} rows, unchanged (204, 0 bytes)", timings(lambda: client.get(poll)))
    report(
        f"live sheet poll, {SHEET_ROWS} rows, redrawn ({len(drawn.content):,} bytes)", timings(lambda: client.get(url))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=int(os.environ.get("BENCH_AGENTS", 50_000)))
    parser.add_argument("--parts", default=os.environ.get("BENCH_PARTS", "search,load,add,poll"))
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    existing = "DATABASE_URL" in os.environ
    vendor = setup("fieldwork", fresh=not existing and os.environ.get("BENCH_FRESH", "1") == "1")
    print(f"database: {vendor}{' (existing, not rebuilt)' if existing else ''}", flush=True)
    build_referential(args.agents)
    parts = args.parts.split(",")
    if "search" in parts:
        bench_search(n_queries=args.queries, explain=args.explain)
    if "load" in parts:
        bench_load()
    if "add" in parts:
        bench_add()
    if "poll" in parts:
        bench_poll()


if __name__ == "__main__":
    main()
