"""The "Gestionnaire RH" column as SIRH extracts fill it: names mostly, or matricules, codes, e-mails."""

import pytest

from relais.agents.models import Agent, HRKind, HRManager
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.services import import_file
from relais.journal.models import Entry
from tests.factories import UserFactory
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db
HEADER = ["MATRICULE", "NOM D'USAGE", "PRÉNOM", "DIRECTION", "GESTIONNAIRE RH"]


def run_import(rows, **kwargs):
    return import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="sirh.csv", data=csv_bytes(rows, HEADER),
                       mode=ImportMode.PARTIAL, **kwargs)  # fmt: skip


def managers():
    return dict(Agent.objects.values_list("matricule", "hr_manager__label"))


def test_an_extract_naming_hr_managers_by_name_imports_whole():
    rows = [
        ["900001", "MARTIN", "Sophie", "DRH", ""],
        ["100001", "DURAND", "Léa", "DPE", "MARTIN Sophie"],
        ["100002", "ROUX", "Paul", "DPE", "Sophie Martin"],
        ["100003", "BLANC", "Anne", "DPE", "Mme MARTIN S."],
        ["100004", "NOIR", "Marc", "DPE", "LEBRUN Claire"],
    ]
    run = run_import(rows)
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    assert run.count_new == 5 and run.count_rejected == 0 and run.warnings == []
    sophie = Agent.objects.get(matricule="900001")
    assert managers() == {"900001": None, "100001": "MARTIN Sophie", "100002": "MARTIN Sophie",
                          "100003": "Mme MARTIN S.", "100004": "LEBRUN Claire"}  # fmt: skip
    by_label = {m.label: m for m in HRManager.objects.all()}
    assert by_label["MARTIN Sophie"].agent == sophie and by_label["MARTIN Sophie"].kind == HRKind.NAME
    assert by_label["Mme MARTIN S."].agent == sophie
    assert by_label["LEBRUN Claire"].agent is None  # not an agent of the referential: kept under its name
    assert sophie.hr_manager_profiles.count() == 2


def test_same_manager_written_otherwise_changes_nothing():
    run_import([["100001", "DURAND", "Léa", "DPE", "MARTIN Sophie"]])
    entries = Entry.objects.count()
    again = run_import([["100001", "DURAND", "Léa", "DPE", "Sophie  MARTIN"]])
    assert (again.count_updated, again.count_unchanged) == (0, 1)
    assert HRManager.objects.count() == 1 and Entry.objects.count() == entries + 1


def test_a_new_manager_is_a_change_and_an_empty_cell_clears_it():
    run_import([["100001", "DURAND", "Léa", "DPE", "MARTIN Sophie"]])
    run = run_import([["100001", "DURAND", "Léa", "DPE", "GRH-07"]])
    assert run.count_updated == 1
    assert run.examples["updated"][0]["changements"][0]["champ"] == "gestionnaire RH"
    assert managers() == {"100001": "GRH-07"}
    assert HRManager.objects.get(label="GRH-07").kind == HRKind.CODE
    run_import([["100001", "DURAND", "Léa", "DPE", "-"]])
    assert managers() == {"100001": None}


def test_matricule_email_and_code_values():
    user = UserFactory(username="pbernard", email="paul.bernard@paris.fr")
    rows = [
        ["900001", "MARTIN", "Sophie", "DRH", ""],
        ["100001", "DURAND", "Léa", "DPE", "900001"],  # a matricule of this very file
        ["100002", "ROUX", "Paul", "DPE", "Paul.Bernard@paris.fr"],
        ["100003", "BLANC", "Anne", "DPE", "GRH07"],
    ]
    run = run_import(rows)
    assert run.status == ImportStatus.APPLIED, run.rejected
    by_label = {m.label: m for m in HRManager.objects.all()}
    assert by_label["900001"].kind == HRKind.MATRICULE
    assert by_label["900001"].agent == Agent.objects.get(matricule="900001")
    email = by_label["Paul.Bernard@paris.fr"]
    assert email.kind == HRKind.EMAIL and email.user == user and email.email == "paul.bernard@paris.fr"
    assert by_label["GRH07"].kind == HRKind.CODE and by_label["GRH07"].agent is None


def test_ambiguous_name_is_kept_without_agent():
    rows = [
        ["900001", "BERNARD", "Luc", "DRH", ""],
        ["900002", "BERNARD", "Luc", "DPE", ""],
        ["100001", "DURAND", "Léa", "DPE", "BERNARD Luc"],
    ]
    run = run_import(rows)
    assert run.status == ImportStatus.APPLIED
    manager = Agent.objects.get(matricule="100001").hr_manager
    assert manager.label == "BERNARD Luc" and manager.agent is None


def test_too_long_manager_is_a_warning():
    run = run_import([["100001", "DURAND", "Léa", "DPE", "X " * 150]])
    assert run.status == ImportStatus.APPLIED and run.count_new == 1
    assert run.warnings[0][1] == "GESTIONNAIRE RH"
    assert run.warnings[0][3] == "Trop long (200 caractères au plus), champ laissé vide."
    assert managers() == {"100001": None} and not HRManager.objects.exists()


def test_dry_run_creates_no_hr_manager():
    run = run_import([["100001", "DURAND", "Léa", "DPE", "MARTIN Sophie"]], dry_run=True)
    assert run.status == ImportStatus.ANALYSED and not HRManager.objects.exists()


def test_hr_managers_created_by_an_import_are_journaled():
    run = run_import([["100001", "DURAND", "Léa", "DPE", "MARTIN Sophie"]])
    entry = Entry.objects.get(action="hr_manager.import")
    assert entry.object_repr == "MARTIN Sophie" and entry.payload == {"import": str(run.public_id)}
