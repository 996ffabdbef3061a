import datetime

import pytest

from relais.agents.models import Agent
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.services import import_file
from relais.journal.models import Entry
from relais.organisation.models import Direction, Service, Site
from tests.factories import AgentFactory
from tests.imports.helpers import csv_bytes, hr_row

pytestmark = pytest.mark.django_db


def run_import(data, *, user=None, mode=ImportMode.PARTIAL, dry_run=False, valid_only=False, as_of=None, name="rh.csv"):
    return import_file(acting_user=user, kind=ImportKind.AGENTS, file_name=name, data=data, mode=mode,
                       dry_run=dry_run, apply_valid_rows=valid_only, as_of=as_of)  # fmt: skip


def test_new_agents_are_created_with_their_direction_service_and_site(users):
    data = csv_bytes([hr_row("100001", "Martin", "Nadia"), hr_row("100002", "Roux", "Karim", cat="B")])
    run = run_import(data, user=users["admin"])
    assert run.status == ImportStatus.APPLIED, run.error
    assert (run.count_new, run.count_updated, run.count_unchanged, run.count_rejected) == (2, 0, 0, 0)
    nadia = Agent.objects.get(matricule="100001")
    assert nadia.last_name == "Martin" and nadia.category == "C" and nadia.filiere == "technique"
    assert nadia.statut == "titulaire" and nadia.entry_date == datetime.date(2015, 9, 1)
    assert nadia.direction == Direction.objects.get(code="DPE")
    assert nadia.service == Service.objects.get(name="Atelier Nord")
    assert nadia.site == Site.objects.get(name="Dépôt Nord")
    assert nadia.search_text == Agent.build_search_text(last_name="Martin", usage_name="", first_name="Nadia",
                                                        matricule="100001")  # fmt: skip
    public_ids = set(Agent.objects.values_list("public_id", flat=True))
    assert len(public_ids) == 2 and {p.version for p in public_ids} == {4}  # random, distinct: links cannot be guessed
    assert Entry.objects.filter(action="agent.import", object_id=str(nadia.pk)).get().acting_user == users["admin"]
    assert Entry.objects.filter(action="import.apply").get().payload["nouveaux"] == 2


def test_same_file_twice_changes_nothing(users):
    data = csv_bytes([hr_row("100001"), hr_row("100002", "Roux", "Karim")])
    run_import(data)
    before = list(Agent.objects.values_list("matricule", "updated_at").order_by("matricule"))
    entries = Entry.objects.count()
    second = run_import(data)
    assert (second.count_new, second.count_updated, second.count_unchanged) == (0, 0, 2)
    assert list(Agent.objects.values_list("matricule", "updated_at").order_by("matricule")) == before
    assert Entry.objects.count() == entries + 1  # the run itself only


def test_update_changes_only_columns_present_in_file(dpe):
    agent = AgentFactory(matricule="100001", last_name="Durand", first_name="Sandrine", direction=dpe,
                         work_phone="0140000000", grade="Adjoint")  # fmt: skip
    public_id = agent.public_id
    data = csv_bytes([["100001", "Durand-Roux", "Sandrine", "DPE"]], header=["Matricule", "Nom", "Prénom", "Direction"])
    run = run_import(data)
    assert run.count_updated == 1
    agent.refresh_from_db()
    assert agent.public_id == public_id  # the agent's page keeps its address
    assert agent.last_name == "Durand-Roux" and agent.work_phone == "0140000000" and agent.grade == "Adjoint"
    assert run.examples["updated"][0]["changements"] == [{"champ": "nom", "avant": "Durand", "apres": "Durand-Roux"}]
    entry = Entry.objects.get(action="agent.import", object_id=str(agent.pk))
    assert entry.payload == {"import": str(run.public_id), "changement": "modification", "champs": ["nom"]}
    assert entry.object_repr == "Sandrine Durand-Roux (100001)"


def test_full_extract_marks_absent_agents_as_left_never_deletes(dpe):
    stays = AgentFactory(matricule="100001", direction=dpe)
    leaves = AgentFactory(matricule="100002", direction=dpe)
    already_gone = AgentFactory(matricule="100003", direction=dpe, exit_date=datetime.date(2020, 1, 1))
    run = run_import(csv_bytes([hr_row("100001", stays.last_name, stays.first_name)]), mode=ImportMode.FULL,
                     as_of=datetime.date(2026, 3, 31))  # fmt: skip
    assert run.count_leaving == 1
    leaves.refresh_from_db()
    already_gone.refresh_from_db()
    assert leaves.exit_date == datetime.date(2026, 3, 31)
    assert already_gone.exit_date == datetime.date(2020, 1, 1)
    assert Agent.objects.count() == 3
    assert Entry.objects.filter(action="agent.import", object_id=str(leaves.pk)).get().payload["changement"] == "départ"


def test_partial_extract_touches_only_its_rows(dpe):
    other = AgentFactory(matricule="100002", direction=dpe)
    run = run_import(csv_bytes([hr_row("100001")]), mode=ImportMode.PARTIAL)
    assert run.count_leaving == 0
    other.refresh_from_db()
    assert other.exit_date is None


def test_dry_run_writes_nothing_but_its_record(dpe):
    run = run_import(csv_bytes([hr_row("100001")]), dry_run=True)
    assert run.status == ImportStatus.ANALYSED and run.count_new == 1
    assert not Agent.objects.exists()
    assert run.examples["new"][0]["matricule"] == "100001"
    assert run.examples["created"]["services"] == ["Atelier Nord"]
    assert not Service.objects.exists()


def test_file_with_errors_applies_nothing_by_default_then_valid_rows_on_request():
    data = csv_bytes([hr_row("100001"), hr_row("100002", direction=""), hr_row("", entry="31/02/2024")])
    run = run_import(data)
    assert run.status == ImportStatus.FAILED
    assert "2 lignes rejetées" in run.error
    assert not Agent.objects.exists()
    reasons = {(r[0], r[1]): r[3] for r in run.rejected}
    assert reasons == {
        (3, "Direction"): "Direction manquante : cette information est obligatoire.",
        (4, "Matricule"): "Matricule manquant : cette information est obligatoire.",
    }
    assert run.warnings == []  # a rejected line is not written: its unreadable date says nothing more
    run = run_import(data, valid_only=True)
    assert run.status == ImportStatus.APPLIED and run.count_new == 1 and run.count_rejected == 2
    assert list(Agent.objects.values_list("matricule", flat=True)) == ["100001"]


def test_full_extract_with_rejected_row_does_not_mark_that_agent_as_left(dpe):
    AgentFactory(matricule="100002", direction=dpe)
    data = csv_bytes([hr_row("100001"), hr_row("100002", last="")])
    run = run_import(data, mode=ImportMode.FULL, valid_only=True)
    assert run.count_leaving == 0
    assert Agent.objects.get(matricule="100002").exit_date is None


def test_a_usage_name_alone_is_a_name(users):
    header = ["Matricule", "NOM D'USAGE", "Prénom", "Direction"]
    data = csv_bytes([["300001", "Lefèvre", "Anne", "DPE"], ["300002", "", "Paul", "DPE"]], header=header)
    run = run_import(data, user=users["admin"], valid_only=True)
    assert run.status == ImportStatus.APPLIED, run.error
    anne = Agent.objects.get(matricule="300001")
    assert (anne.usage_name, anne.last_name) == ("Lefèvre", "Lefèvre")
    assert run.count_rejected == 1 and run.rejected[0][0] == 3
    assert run.rejected[0][3].startswith("Nom manquant")
    assert not Agent.objects.filter(matricule="300002").exists()


def test_both_names_are_kept_when_both_come(users):
    data = csv_bytes([hr_row("300003", "Martin", "Julie", usage="Roux"), hr_row("300004", "", "Léa", usage="Blanc")])
    run = run_import(data, user=users["admin"])
    assert run.status == ImportStatus.APPLIED, run.error
    julie = Agent.objects.get(matricule="300003")
    assert (julie.last_name, julie.usage_name) == ("Martin", "Roux")
    assert Agent.objects.get(matricule="300004").last_name == "Blanc"


def test_missing_identity_messages_agree_in_french(users):
    data = csv_bytes([hr_row("", "A", "B"), hr_row("300005", "C", ""), hr_row("300006", "D", "E", direction="")])
    run = run_import(data, user=users["admin"], dry_run=True)
    reasons = {r[0]: r[3] for r in run.rejected}
    assert reasons == {
        2: "Matricule manquant : cette information est obligatoire.",
        4: "Direction manquante : cette information est obligatoire.",
    }
    # A first name is not identity: the file is kept, the line says so.
    assert run.warnings == [[3, "Prénom", "", "Prénom manquant : fiche enregistrée sans prénom."]]
    assert run.count_new == 1
