"""The same checks run in every agents import: the dry run shows them on the run page, applying files them under
the agents' HR managers, and they never block an import of otherwise valid rows."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from relais.agents.models import Agent
from relais.findings.models import Extract, Finding
from relais.imports.enums import ImportStatus
from relais.imports.models import ImportRun
from tests.findings.helpers import GOOD, csv_of
from tests.imports.test_mapping import upload

pytestmark = pytest.mark.django_db

ROWS = [GOOD, {**GOOD, "Matricule": "100201", "Prénom": "Lina", "Civilité": "Mme", "NIR": "2 80 05 75 056 048 67",
               "IBAN": "FR76 3000 6000 0112 3456 7890 198", "Gestionnaire RH": "DUPONT Luc"}]  # fmt: skip


def test_the_page_dry_run_shows_the_findings_and_applying_files_them(client, users, dpe):
    client.force_login(users["admin"])
    response = upload(client, csv_of(ROWS))
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.ANALYSED, run.options.get("proposal")  # the check columns need no mapping step
    page = client.get(response["Location"]).content.decode()
    assert "Fiabilité des données RH (1 constat)" in page
    assert "Ligne 3, colonne « IBAN » : IBAN invalide" in page
    assert "3000 6000" not in page and "80 05 75" not in page
    assert not Agent.objects.exists() and not Finding.objects.exists()
    client.post(reverse("imports:run_apply", args=[run.public_id]))
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and Agent.objects.count() == 2
    finding = Finding.objects.get()
    assert (finding.rule, finding.matricule, finding.column) == ("VAL-IBAN", "100201", "IBAN")
    assert finding.agent == Agent.objects.get(matricule="100201") and finding.hr_manager.label == "DUPONT Luc"
    assert Extract.objects.get().import_run == run


def test_the_command_import_runs_the_checks_and_dry_run_files_nothing(tmp_path, dpe):
    path = tmp_path / "sirh.csv"
    path.write_bytes(csv_of(ROWS))
    call_command("import_agents", str(path), "--dry-run")
    assert ImportRun.objects.get().options["findings"]["count"] == 1 and not Finding.objects.exists()
    call_command("import_agents", str(path))
    assert Finding.objects.get().rule == "VAL-IBAN"
    assert Agent.objects.count() == 2  # a finding never blocks a valid row
