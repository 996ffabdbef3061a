"""No NIR, IBAN, bank account nor birth date from an extract survives a check: every column of every table, staged
Parquet included, and every file written (the command's JSON, media and cache directories) are scanned for the
values of the file after `hr_quality`, a command import and a page import (dry run, then applied)."""

import datetime
import io
import re
import time
from pathlib import Path

import polars as pl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from relais.accounts.enums import Role
from relais.findings import synthetic
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.services import import_run_apply, import_run_start

pytestmark = pytest.mark.django_db(transaction=False)
TODAY = datetime.date.today()


def _extract(tmp_path) -> tuple[Path, set[str]]:
    base = synthetic.base_frame(400).with_columns(pl.lit("DPE").alias("direction"))
    frame = synthetic.extract(base, today=TODAY, fault_rate=0.1)
    path = tmp_path / "sirh.csv"
    synthetic.write_csv(frame, path)
    secrets = set()
    for column in ("NIR", "IBAN", "Numéro de compte"):
        for value in frame.get_column(column).to_list():
            secrets.add(re.sub(r"\s", "", value))
    # Birth dates, unless one happens to be some file's entry date (which the import keeps, rightly).
    entries = set(frame.get_column("Date d'entrée").to_list())
    births = {v for v in frame.get_column("Date de naissance").to_list() if v != "31/02/1980"} - entries
    secrets |= births | {datetime.datetime.strptime(v, "%d/%m/%Y").date().isoformat() for v in births}
    return path, secrets


def _texts_of_tables():
    for model in apps.get_models():
        fields = list(model._meta.concrete_fields)
        names = [f.attname for f in fields]
        for row in model.objects.values_list(*names).iterator():
            for field, value in zip(fields, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes | memoryview):
                    data = bytes(value)
                    try:
                        yield model, field.name, pl.read_parquet(io.BytesIO(data)).write_csv()
                    except Exception:  # noqa: BLE001 - not Parquet: read as bytes
                        yield model, field.name, data.decode("latin-1")
                else:
                    yield model, field.name, str(value)


def _leaks(secrets: set[str], since: float, extra_files=()) -> list[str]:
    found = []
    for model, name, text in _texts_of_tables():
        compacted = re.sub(r"\s", "", text)
        for secret in secrets:
            if secret in compacted or secret in text:
                found.append(f"{model.__name__}.{name}")
                break
    roots = [Path(settings.MEDIA_ROOT), Path(settings.BASE_DIR) / "var" / "cache"]
    files = [
        p for root in roots if root.exists() for p in root.rglob("*") if p.is_file() and p.stat().st_mtime >= since
    ]
    for path in [*files, *extra_files]:
        text = path.read_bytes().decode("utf-8", "replace")
        compacted = re.sub(r"\s", "", text)
        if any(s in compacted for s in secrets):
            found.append(str(path))
    return sorted(set(found))


def test_hr_quality_and_both_imports_keep_no_identifier(tmp_path, users, dpe, capsys):
    since = time.time() - 1
    path, secrets = _extract(tmp_path)
    assert len(secrets) > 1000
    out = tmp_path / "constats.json"
    call_command("hr_quality", str(path), "--json", str(out))
    assert "constat" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").count('"rule"') > 20
    call_command("import_agents", str(path), "--dry-run")
    call_command("import_agents", str(path), "--full", "--apply-valid-rows")
    run = import_run_start(acting_user=users[Role.ADMIN], kind=ImportKind.AGENTS, file_name="sirh.csv",
                           data=path.read_bytes(), mode=ImportMode.FULL)  # fmt: skip
    assert run.options["findings"]["count"] > 20
    import_run_apply(run=run, acting_user=users[Role.ADMIN], apply_valid_rows=True)
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED
    assert _leaks(secrets, since, extra_files=[out]) == []


def test_the_scan_would_see_a_leak(tmp_path, dpe):
    """The scan is not blind: a NIR written into an agent's job title, or a file, is found."""
    from tests.factories import AgentFactory

    since = time.time() - 1
    path, secrets = _extract(tmp_path)
    nir = next(s for s in secrets if len(s) == 15)
    AgentFactory(direction=dpe, job_title=nir)
    leaked = tmp_path / "leak.json"
    leaked.write_text(f'{{"x": "{nir[:5]} {nir[5:]}"}}')
    assert _leaks(secrets, since, extra_files=[leaked]) == sorted(["Agent.job_title", str(leaked)])
