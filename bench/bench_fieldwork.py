"""Field work: participant search at 50,000 agents, and recording outcomes under load against a real server.

1. Search: `agent_search` (what the phone calls while the mediator types) on the demo referential
   (50,000 agents, SQLite unless DATABASE_URL says otherwise): prefixes, typos, first + last names,
   matricules. Target p95 ≤ 30 ms.
2. Load: gunicorn on 127.0.0.1 (free port), 50 simulated mediators (threads, each with its own session),
   tapping outcomes and adding walk-ins with a think time, for a bounded time; some requests are sent
   twice with the same idempotency key (a retry), some are cut before the response is read (a dropped
   connection) then retried. Target p99 ≤ 100 ms, 0 error; afterwards the database holds every write
   exactly once (no lost, no duplicate).

Env: BENCH_PARTS (search,load), BENCH_FRESH (1: rebuild the scratch database), BENCH_AGENTS (50000),
BENCH_MEDIATORS (50), BENCH_SECONDS (20), BENCH_WORKERS (2), BENCH_THREADS (8).
"""

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

from bench.common import ROOT, percentile, report, setup  # noqa: E402

AGENTS = int(os.environ.get("BENCH_AGENTS", 50_000))
MEDIATORS = int(os.environ.get("BENCH_MEDIATORS", 50))
SECONDS = float(os.environ.get("BENCH_SECONDS", 20))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_THREADS", 8))
THINK = (1.0, 3.0)  # seconds between two taps of one mediator (one hand, talking with the agent)
RETRY_SHARE = 0.08  # the phone re-sends the same entry (lost response)
DROP_SHARE = 0.03  # the connection drops before the response: re-sent with the same key


def build_referential() -> None:
    from django.core.management import call_command

    from relais.agents.models import Agent

    if not Agent.objects.exists():
        started = time.perf_counter()
        call_command("demo_data", agents=AGENTS, seed=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"demo_data --agents {AGENTS}: {time.perf_counter() - started:.1f} s", flush=True)


def search_queries(rng: random.Random) -> list[tuple[str, object]]:
    """Realistic inputs while typing: 3–6 letters of a surname, a typo, first + last name, a matricule."""
    from relais.agents.models import Agent
    from relais.core.text import fold
    from relais.organisation.models import Site

    agents = list(Agent.objects.order_by("?").values_list("last_name", "first_name", "matricule", "site_id")[:400])
    sites = {s.pk: s for s in Site.objects.filter(pk__in={a[3] for a in agents if a[3]})}
    queries = []
    for last, first, matricule, site_id in agents:
        name = fold(last).split()[0] if fold(last) else "martin"
        site = sites.get(site_id)
        kind = rng.random()
        if kind < 0.35:
            q = name[: rng.randint(3, 6)]
        elif kind < 0.6 and len(name) > 4:
            i = rng.randrange(3, len(name))
            q = name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :]  # a typo after the third letter
        elif kind < 0.8:
            q = f"{fold(first).split()[0] if fold(first) else ''} {name}"
        else:
            q = matricule[: rng.randint(4, len(matricule))]
        queries.append((q, site))
    return queries


def bench_search() -> None:
    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.fieldwork.selectors import agent_search

    user = User.objects.filter(role=Role.MEDIATOR).first()
    rng = random.Random(7)
    queries = search_queries(rng)
    found = 0
    durations = []
    slowest = []
    for q, site in queries[:10]:
        agent_search(user=user, query=q, site=site)  # warm-up
    for q, site in queries:
        start = time.perf_counter()
        hits = agent_search(user=user, query=q, site=site)
        durations.append((time.perf_counter() - start) * 1000)
        slowest.append((durations[-1], q))
        found += bool(hits)
    report(f"participant search, {AGENTS:,} agents ({len(queries)} queries)", durations, target_p95_ms=30)
    print(f"  queries with at least one result: {found}/{len(queries)}", flush=True)
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
                response.read()
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


def main() -> None:
    vendor = setup("fieldwork", fresh=os.environ.get("BENCH_FRESH", "1") == "1")
    print(f"database: {vendor}", flush=True)
    build_referential()
    parts = os.environ.get("BENCH_PARTS", "search,load").split(",")
    if "search" in parts:
        bench_search()
    if "load" in parts:
        bench_load()


if __name__ == "__main__":
    main()
