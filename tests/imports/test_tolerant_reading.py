"""Issue 12 §2: an optional value that cannot be read is a warning on its line, the field left empty; only
identity (matricule, a name, direction) rejects a line."""

import datetime
import json

import pytest
from django.core.management import call_command

from relais.agents.models import Agent
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.services import import_file
from tests.factories import AgentFactory
from tests.imports.helpers import csv_bytes, hr_row

pytestmark = pytest.mark.django_db


def run_import(data, **kwargs):
    return import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.csv", data=data,
                       mode=ImportMode.PARTIAL, **kwargs)  # fmt: skip


@pytest.mark.parametrize(
    ("row", "column", "message", "field", "empty"),
    [
        (hr_row("1", entry="31/02/2020"), "Date d'entrée", "date illisible « 31/02/2020 », champ laissé vide.",
         "entry_date", None),
        (hr_row("1", exit="demain"), "Date de sortie", "date illisible « demain », champ laissé vide.", "exit_date",
         None),
        (hr_row("1", entry="01/09/2020", exit="01/01/2020"), "Date de sortie",
         "la date de sortie précède la date d'entrée, champ laissé vide.", "exit_date", None),
        (hr_row("1", cat="Z"), "Catégorie", "catégorie inconnue « Z » : A, B ou C attendu, champ laissé vide.",
         "category", ""),
        (hr_row("1", filiere="Maritime"), "Filière",
         "filière inconnu(e) « Maritime » : valeurs admises administrative, animation, culturelle, médico-sociale, "
         "police municipale, sapeurs-pompiers, sportive, technique ; champ laissé vide.", "filiere", ""),
        (hr_row("1", statut="Intérimaire"), "Statut", None, "statut", ""),
        (hr_row("1", email="pas-une-adresse"), "Courriel professionnel",
         "adresse électronique invalide « pas-une-adresse », champ laissé vide.", "work_email", ""),
        (hr_row("1", grade="G" * 151), "Grade", "Trop long (150 caractères au plus), champ laissé vide.", "grade", ""),
        (hr_row("1", phone="0" * 40), "Téléphone professionnel",
         "Trop long (32 caractères au plus), champ laissé vide.", "work_phone", ""),
    ],
)  # fmt: skip
def test_unreadable_optional_value_is_a_warning_and_the_line_is_kept(row, column, message, field, empty):
    run = run_import(csv_bytes([row, hr_row("2")]))
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    assert run.count_new == 2 and run.count_rejected == 0
    ((line, col, _value, text),) = run.warnings
    assert (line, col) == (2, column)
    if message:
        assert text == message
    assert text.endswith("champ laissé vide.")
    assert getattr(Agent.objects.get(matricule="1"), field) == empty


def test_unreadable_value_clears_the_field_as_an_empty_cell_would(dpe):
    AgentFactory(matricule="1", direction=dpe, category="B", entry_date=datetime.date(2010, 1, 1))
    run = run_import(csv_bytes([hr_row("1", cat="?", entry="32/13/2010")]))
    assert run.count_updated == 1 and len(run.warnings) == 2
    agent = Agent.objects.get()
    assert agent.category == "" and agent.entry_date is None


def test_uses_computer_unreadable_is_a_warning():
    header = ["Matricule", "Nom", "Prénom", "Direction", "Utilise un ordinateur"]
    data = csv_bytes([["1", "Durand", "Léa", "DPE", "peut-être"], ["2", "Roux", "Paul", "DPE", "oui"]], header=header)
    run = run_import(data)
    assert run.warnings == [[2, "Utilise un ordinateur", "peut-être",
                             "valeur illisible « peut-être » : oui ou non attendu, champ laissé vide."]]  # fmt: skip
    assert dict(Agent.objects.values_list("matricule", "uses_computer")) == {"1": None, "2": True}


def test_good_values_give_no_warning():
    run = run_import(csv_bytes([hr_row("1", cat="catégorie B", filiere="Administrative", statut="contractuel",
                                       entry="1 sept. 2020", exit="", email="lea.durand@paris.fr")]))  # fmt: skip
    assert run.warnings == [] and run.count_warnings == 0 and run.count_new == 1


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (hr_row(""), "Matricule", "Matricule manquant : cette information est obligatoire."),
        (hr_row("1", ""), "Nom", "Nom manquant : cette information est obligatoire."),
        (hr_row("1", direction=""), "Direction", "Direction manquante : cette information est obligatoire."),
        (hr_row("1", "N" * 121), "Nom", "Trop long : 120 caractères au plus."),
        (hr_row("1" * 33), "Matricule", "Trop long : 32 caractères au plus."),
    ],
)
def test_identity_rejects_the_line(row, column, message):
    run = run_import(csv_bytes([row, hr_row("2")]), apply_valid_rows=True)
    assert run.status == ImportStatus.APPLIED
    assert [(r[1], r[3]) for r in run.rejected] == [(column, message)]
    assert list(Agent.objects.values_list("matricule", flat=True)) == ["2"]


def test_a_rejected_file_writes_nothing_even_with_warnings():
    run = run_import(csv_bytes([hr_row("1", cat="Z"), hr_row("2", direction="")]))
    assert run.status == ImportStatus.FAILED and not Agent.objects.exists()


def test_warnings_in_the_command_output_and_json(tmp_path, capsys):
    path = tmp_path / "rh.csv"
    rows = [hr_row(str(n)) for n in range(1, 11)] + [hr_row("11", entry="31/02/2020")]
    path.write_bytes(csv_bytes(rows))
    out = tmp_path / "out.json"
    call_command("import_agents", str(path), "--json", str(out))
    captured = capsys.readouterr()
    assert "Ligne 12, colonne « Date d'entrée » : date illisible « 31/02/2020 », champ laissé vide." in captured.err
    assert "11 nouveaux" in captured.out and "1 ligne avec avertissement" in captured.out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["counts"]["new"] == 11 and report["counts"]["warnings"] == 1
    assert report["warnings"] == [{"line": 12, "column": "Date d'entrée", "value": "31/02/2020",
                                   "message": "date illisible « 31/02/2020 », champ laissé vide."}]  # fmt: skip
    assert report["rejected"] == []
