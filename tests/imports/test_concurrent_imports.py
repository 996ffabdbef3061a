"""Two imports of one kind started together, in two real processes (issue 16 §3), on SQLite and PostgreSQL.

The first holds its transaction open before commit (the test hook of test_commands); the second, started
meanwhile, plans against the empty referential, then waits for the lock and says so; once the first commits,
it plans again inside the lock: the agents the first created are "modifiés", never "nouveaux", and the
journal records each creation once.
"""

import os
import subprocess
import sys
import time

from tests.imports.helpers import csv_bytes, hr_row
from tests.imports.test_commands import ROOT, _scratch_database

AGENTS = 300


def _query(url, sql):
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def _changes(url) -> dict[str, int]:
    change = "payload->>'changement'" if not url.startswith("sqlite") else "json_extract(payload, '$.changement')"
    rows = _query(url, f"SELECT {change}, COUNT(*) FROM journal_entry WHERE action = 'agent.import' GROUP BY 1")
    return dict(rows)


def _drop(cleanup):
    if cleanup:
        import psycopg

        admin_url, name = cleanup
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start(path, env, **extra):
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_agents", str(path)],
        cwd=ROOT,
        env={**env, **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(stream, text: str) -> list[str]:
    seen = []
    for line in stream:
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"« {text} » never printed: {''.join(seen)}")


def _files(tmp_path):
    first, second = tmp_path / "rh-1.csv", tmp_path / "rh-2.csv"
    first.write_bytes(csv_bytes([hr_row(str(100000 + i), f"Nom{i}") for i in range(AGENTS)]))
    second.write_bytes(
        csv_bytes([hr_row(str(100000 + i), f"Nom{i}", grade="Agent de maîtrise") for i in range(AGENTS)])
    )
    return first, second


def test_the_second_import_waits_then_reports_the_first_ones_agents_as_changed(tmp_path):
    url, cleanup = _scratch_database(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        first_file, second_file = _files(tmp_path)
        first = _start(first_file, env, RELAIS_IMPORTS_TEST_PAUSE_BEFORE_COMMIT="8")
        _wait_for(first.stderr, "pause before commit")  # every write done, the transaction (and lock) held
        started = time.monotonic()
        second = _start(second_file, env)
        _wait_for(second.stderr, "En attente : un autre import « Extraction RH (agents) » s'applique")
        assert second.poll() is None  # it waits, it does not write over the first
        first_out, _ = first.communicate(timeout=60)
        second_out, second_err = second.communicate(timeout=120)
        assert first.returncode == 0 and second.returncode == 0, second_err
        assert time.monotonic() - started >= 2  # it really waited for the first's commit
        assert f"{AGENTS} nouveaux, 0 modifiés" in first_out
        assert f"0 nouveaux, {AGENTS} modifiés" in second_out, second_out
        assert _query(url, "SELECT COUNT(*) FROM agents_agent")[0][0] == AGENTS
        assert _query(url, "SELECT COUNT(DISTINCT grade) FROM agents_agent")[0][0] == 1
        assert _changes(url) == {"création": AGENTS, "modification": AGENTS}
        runs = _query(url, "SELECT count_new, count_updated FROM imports_importrun ORDER BY id")
        assert runs == [(AGENTS, 0), (0, AGENTS)]
    finally:
        _drop(cleanup)


def test_the_second_import_is_refused_with_a_message_after_its_wait(tmp_path):
    url, cleanup = _scratch_database(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        first_file, second_file = _files(tmp_path)
        first = _start(first_file, env, RELAIS_IMPORTS_TEST_PAUSE_BEFORE_COMMIT="15")
        _wait_for(first.stderr, "pause before commit")
        second = _start(second_file, env, RELAIS_IMPORT_LOCK_WAIT_SECONDS="3")
        _, second_err = second.communicate(timeout=60)
        assert second.returncode != 0
        assert "Un autre import « Extraction RH (agents) » s'appliquait déjà" in second_err
        assert "Rien n'a été écrit" in second_err
        first.communicate(timeout=60)
        assert first.returncode == 0
        assert _changes(url) == {"création": AGENTS}
        # The refused run is recorded as failed, with its reason; the agents are the first file's.
        assert _query(url, "SELECT status FROM imports_importrun ORDER BY id") == [("applied",), ("failed",)]
        assert _query(url, "SELECT DISTINCT grade FROM agents_agent") == [("Adjoint technique",)]
    finally:
        _drop(cleanup)


def test_a_page_import_that_waits_says_so_on_its_page(transactional_db, users):
    """The run page (a read, possible on SQLite while the other import holds the write lock) shows « En attente »."""
    import threading

    from django.db import connection
    from django.template.loader import render_to_string

    from relais.imports import locks, selectors
    from relais.imports.enums import ImportKind, ImportStatus
    from relais.imports.services import import_run_apply, import_run_start

    admin = users["admin"]
    run = import_run_start(acting_user=admin, kind=ImportKind.AGENTS, file_name="rh.csv",
                           data=csv_bytes([hr_row("100001", "Martin")]))  # fmt: skip
    assert run.status == ImportStatus.ANALYSED, run.error
    held, release, outcome = threading.Event(), threading.Event(), {}

    def other_import():
        try:
            with locks.import_lock(ImportKind.AGENTS):
                held.set()
                release.wait(30)
        finally:
            connection.close()

    def this_import():
        try:
            outcome["run"] = import_run_apply(run=run, acting_user=admin)
        finally:
            connection.close()

    holder = threading.Thread(target=other_import)
    holder.start()
    assert held.wait(10)
    applier = threading.Thread(target=this_import)
    applier.start()
    shown = ""
    for _ in range(100):
        shown = selectors.import_run_progress_get(admin, run.public_id).phase
        if shown.startswith("En attente"):
            break
        time.sleep(0.1)
    assert shown == "En attente : un autre import « Extraction RH (agents) » s'applique, celui-ci suivra."
    page = render_to_string(
        "imports/run_detail.html#progress", {"run": selectors.import_run_progress_get(admin, run.public_id)}
    )
    assert "En attente : un autre import" in page
    release.set()
    holder.join(30)
    applier.join(60)
    assert outcome["run"].status == ImportStatus.APPLIED
    assert selectors.import_run_progress_get(admin, run.public_id).phase == ""
