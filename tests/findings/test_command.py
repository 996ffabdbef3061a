"""`hr_quality FILE --json OUT`: checks without importing, the JSON as the issue says (line 1 is the header)."""

import json

import pytest
from django.core.management import CommandError, call_command

from relais.agents.models import Agent
from relais.findings.models import Extract, Finding
from tests.findings.helpers import GOOD, csv_of

pytestmark = pytest.mark.django_db


def test_hr_quality_writes_the_findings_and_imports_nothing(tmp_path, capsys, dpe):
    path = tmp_path / "sirh.csv"
    path.write_bytes(
        b"Extraction SIRH du 01/12/2026\r\n\r\n"
        + csv_of([GOOD, {**GOOD, "Matricule": "100201", "Prénom": "Lina", "NIR": "1 80 05 75 056 048 21"}])
    )
    out = tmp_path / "out.json"
    call_command("hr_quality", str(path), "--json", str(out), "--as-of", "2026-12-07")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["systematic"] == []
    rows = [f for f in data["findings"] if f["rule"] == "VAL-NIR-CLE"]
    assert rows == [{"line": 5, "matricule": "100201", "column": "NIR", "rule": "VAL-NIR-CLE", "severity": "error",
                     "message": rows[0]["message"]}]  # fmt: skip
    assert rows[0]["message"].startswith("Ligne 5, colonne « NIR » : clé du NIR fausse")
    assert "2 ligne(s) contrôlée(s)" in capsys.readouterr().out
    assert Agent.objects.count() == 0
    assert Extract.objects.get().kind == "hr_quality"
    assert Finding.objects.filter(rule="VAL-NIR-CLE").count() == 1


def test_dry_run_records_nothing_and_a_bad_file_says_why(tmp_path):
    path = tmp_path / "sirh.csv"
    path.write_bytes(csv_of([GOOD]))
    call_command("hr_quality", str(path), "--dry-run")
    assert Extract.objects.count() == 0
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(CommandError, match="PDF"):
        call_command("hr_quality", str(bad))


def test_a_fault_of_a_whole_column_is_in_the_json_once(tmp_path):
    rows = [{**GOOD, "Matricule": str(200000 + n), "Prénom": f"P{n}", "Téléphone professionnel": "01 40 12"}
            for n in range(1500)]  # fmt: skip
    path = tmp_path / "sirh.csv"
    path.write_bytes(csv_of(rows))
    out = tmp_path / "out.json"
    call_command("hr_quality", str(path), "--json", str(out), "--dry-run")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert not [f for f in data["findings"] if f["rule"] == "VAL-TEL"]
    (fault,) = [s for s in data["systematic"] if s["rule"] == "VAL-TEL"]
    assert (fault["column"], fault["lines"]) == ("Téléphone professionnel", 1500)
    assert "Téléphone professionnel" in fault["example"]
