import datetime
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from relais.agents.models import Agent
from relais.imports.models import ImportRun
from tests.factories import AgentFactory
from tests.imports.helpers import csv_bytes, hr_row

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_import_agents_prints_a_one_line_summary(tmp_path, capsys):
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([hr_row("100001"), hr_row("100002", "Roux")]))
    call_command("import_agents", str(path))
    out = capsys.readouterr().out.strip()
    assert out.startswith("Import appliqué : 2 nouveaux, 0 modifiés, 0 partants, 0 inchangés, 0 rejetés")
    assert "\n" not in out
    run = ImportRun.objects.get()
    assert run.file_name == "rh.csv" and len(run.checksum) == 64 and run.duration is not None


@pytest.mark.django_db
def test_import_agents_dry_run_and_full(tmp_path, capsys, dpe):
    AgentFactory(matricule="999999", direction=dpe)
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([hr_row("100001")]))
    call_command("import_agents", str(path), "--dry-run", "--full", "--as-of", "31/03/2026")
    assert "Simulation (rien n'a été écrit) : 1 nouveaux, 0 modifiés, 1 partants" in capsys.readouterr().out
    assert Agent.objects.count() == 1
    call_command("import_agents", str(path), "--full", "--as-of", "2026-03-31")
    assert Agent.objects.get(matricule="999999").exit_date == datetime.date(2026, 3, 31)


@pytest.mark.django_db
def test_bad_file_exits_non_zero_with_french_message(tmp_path):
    path = tmp_path / "rh.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(CommandError, match="image"):
        call_command("import_agents", str(path))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_agents", str(tmp_path / "absent.csv"))


@pytest.mark.django_db
def test_rejected_lines_are_listed_and_nothing_applied(tmp_path, capsys):
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([hr_row("100001"), hr_row("100002", direction="")]))
    with pytest.raises(CommandError, match="1 ligne rejetée"):
        call_command("import_agents", str(path))
    assert "ligne 3, colonne « Direction » : Direction manquante" in capsys.readouterr().err
    assert not Agent.objects.exists()
    call_command("import_agents", str(path), "--apply-valid-rows")
    assert Agent.objects.count() == 1


def _scratch_database(tmp_path):
    """A database of its own for a subprocess: a SQLite file, or a fresh PostgreSQL database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'killed.sqlite3'}", None
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"relais_imports_kill_{uuid.uuid4().hex[:8]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + f"/{name}", (admin_url, name)


def _count(url, table):
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_process_killed_mid_import_leaves_nothing(tmp_path):
    url, cleanup = _scratch_database(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        path = tmp_path / "rh.csv"
        path.write_bytes(csv_bytes([hr_row(str(100000 + i), f"Nom{i}") for i in range(3000)]))
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_agents", str(path), "--full"],
            cwd=ROOT,
            env={**env, "RELAIS_IMPORTS_TEST_PAUSE_BEFORE_COMMIT": "120"},
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in process.stderr:  # wait until every write is done, inside the open transaction
            if "pause before commit" in line:
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()
        assert process.returncode == -signal.SIGKILL
        for table in ("agents_agent", "organisation_direction", "imports_importrun", "journal_entry"):
            assert _count(url, table) == 0, table
        # And the database is still usable: the same import, not killed, goes through.
        subprocess.run(
            [sys.executable, "manage.py", "import_agents", str(path)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        assert _count(url, "agents_agent") == 3000
    finally:
        if cleanup:
            import psycopg

            admin_url, name = cleanup
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
