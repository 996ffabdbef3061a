"""Account pages: the password-reset request and « Mes sessions et jetons ».

    python bench/bench_account.py [--runs 200] [--users 5000]

Times, with Django's test client in this process, on a database holding `--users` accounts each with one open
session (the UserSession table as a busy day leaves it):
- the password-reset request (POST of the form) for a known local account and for an unknown address: the two
  must cost about the same, or the time would tell whether an address has an account. The mail is queued in the
  task database (django-tasks-db, as in production: the worker journals and sends it), and an unknown address
  queues the same task with no account, so the request does the same work either way;
- the sessions page of a user with 5 open sessions and 3 API tokens, and ending one of those sessions (POST);
- the same page when the once-a-minute write of the last activity falls due (the idle-session check's cost).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine_reference, report, setup  # noqa: E402

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--users", type=int, default=5000)
    args = parser.parse_args(argv)
    vendor = setup("account")

    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from relais.accounts.enums import Role
    from relais.accounts.models import User, UserSession
    from relais.accounts.sessions import ACTIVITY_KEY
    from relais.api.enums import Scope
    from relais.api.models import ApiToken
    from relais.api.services import token_create

    print(f"database: {vendor}, {args.users} accounts with an open session", flush=True)
    machine_reference()
    now = timezone.now()
    if not User.objects.filter(username__startswith="banc-").exists():
        with transaction.atomic():
            User.objects.bulk_create(
                User(username=f"banc-{i:06}", email=f"agent{i:06}@paris.fr", role=Role.MEDIATOR, password="!")
                for i in range(args.users)
            )
            ids = list(User.objects.filter(username__startswith="banc-").values_list("pk", flat=True))
            UserSession.objects.bulk_create(
                UserSession(user_id=pk, session_key=f"banc{pk:028}", started_at=now, last_activity_at=now) for pk in ids
            )
    nadia, _ = User.objects.get_or_create(
        username="nadia", defaults={"role": Role.MEDIATOR, "email": "nadia.roux@paris.fr"}
    )
    nadia.set_password("une phrase de passe du banc")
    nadia.save()
    UserSession.objects.filter(user=nadia).delete()  # a PostgreSQL database is kept from one run to the next
    ApiToken.objects.filter(user=nadia).delete()

    reset = "/compte/mot-de-passe-oublie/"

    def ask(client, email):
        def run():
            response = client.post(reset, {"email": email})
            assert response.status_code == 302, response.status_code

        return run

    def timed(fn, before=None, runs=args.runs) -> list[float]:
        out = []
        for i in range(runs + 3):
            if before is not None:
                before()
            start = time.perf_counter()
            fn()
            if i >= 3:
                out.append((time.perf_counter() - start) * 1000)
        return out

    limits = {"RELAIS_PASSWORD_RESET_PER_EMAIL": 10**6, "RELAIS_PASSWORD_RESET_PER_ADDRESS": 10**6}
    with override_settings(TASKS=DB_TASKS, **limits):
        client = Client(SERVER_NAME="localhost")
        queued = DBTaskResult.objects.filter(task_path="relais.accounts.tasks.password_reset_mail_send").count()
        # Interleaved, so that both see the same machine load and the same caches.
        known, unknown = [], []
        ask_known, ask_unknown = ask(client, "nadia.roux@paris.fr"), ask(client, "personne@paris.fr")
        for i in range(args.runs + 3):
            for fn, out in ((ask_known, known), (ask_unknown, unknown)):
                start = time.perf_counter()
                fn()
                if i >= 3:
                    out.append((time.perf_counter() - start) * 1000)
        sent = DBTaskResult.objects.filter(task_path="relais.accounts.tasks.password_reset_mail_send").count()
        assert sent - queued == 2 * (args.runs + 3), "each request queues its task for the worker, sends nothing"
    report("password reset request, known local account", known)
    report("password reset request, unknown address", unknown)
    cache.clear()

    clients = []
    for _ in range(5):
        c = Client(SERVER_NAME="localhost", HTTP_USER_AGENT="Mozilla/5.0 (Android 14; Mobile) Firefox/128.0")
        c.force_login(nadia)
        clients.append(c)
    for n in range(3):
        token_create(acting_user=None, user=nadia, scopes=[Scope.AGENTS_READ], name=f"Jeton {n}")
    me = clients[0]

    def page():
        response = me.get("/compte/sessions/")
        assert response.status_code == 200 and "Fermer toutes les autres sessions (4)" in response.content.decode()

    def stale_activity():
        session = me.session
        session[ACTIVITY_KEY] = time.time() - 120
        session.save()

    # Interleaved: the page as most requests see it (activity written less than a minute ago) and the request
    # on which the once-a-minute write of the last activity falls due (session and UserSession rows).
    quiet, writing = [], []
    for i in range(args.runs + 3):
        for before, out in ((None, quiet), (stale_activity, writing)):
            if before:
                before()
            start = time.perf_counter()
            page()
            if i >= 3:
                out.append((time.perf_counter() - start) * 1000)
    report("sessions page (5 sessions, 3 tokens)", quiet)
    report("sessions page, the minute's activity write due", writing)

    def end_one():
        extra = Client(SERVER_NAME="localhost")
        extra.force_login(nadia)
        row = UserSession.objects.get(session_key=extra.session.session_key)
        start = time.perf_counter()
        response = me.post(f"/compte/sessions/{row.public_id}/fermer/")
        ended.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302

    ended = []
    for _ in range(min(args.runs, 100) + 3):
        end_one()
    report("end another session (POST)", ended[3:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
