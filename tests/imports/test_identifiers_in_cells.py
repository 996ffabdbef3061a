"""A NIR or an IBAN in any kept cell of any import is left empty, with a warning naming line and column (§2b)."""

import io

import pytest
from django.core.management import call_command

from relais.agents.models import Agent
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.models import ImportRun
from relais.imports.services import import_file, import_run_start
from relais.journal.models import Entry
from relais.skills.models import PixParticipation
from tests.factories import AgentFactory
from tests.imports.helpers import HR_HEADER, csv_bytes, hr_row
from tests.skills.test_pix_import import FIXTURES

pytestmark = pytest.mark.django_db
NIR = "2 55 08 14 168 025 38"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
HEADER = [*HR_HEADER, "Emploi"]
NIR_MESSAGE = "ce texte contient un numéro de sécurité sociale (NIR), que Relais ne conserve pas ; valeur laissée vide."


def _nowhere(value: str) -> None:
    """The value is in no table Relais keeps: agents, journal, import runs."""
    compact = value.replace(" ", "")
    for agent in Agent.objects.all():
        assert compact not in " ".join(str(v) for v in agent.__dict__.values()).replace(" ", "")
    assert not any(compact in str(e.payload).replace(" ", "") for e in Entry.objects.all())
    for run in ImportRun.objects.all():
        assert compact not in (str(run.options) + str(run.examples) + str(run.rejected)).replace(" ", "")
        assert compact.encode() not in bytes(run.staged_data or b"").replace(b" ", b"")


def test_a_nir_in_the_job_column_of_an_hr_extract_is_left_empty_with_a_warning(users):
    rows = [
        [*hr_row("100001", "Martin", "Nadia"), "Agent d'entretien"],
        [*hr_row("100002", "Roux", "Karim"), f"Égoutier {NIR}"],
        [*hr_row("100003", "Petit", "Léa", grade=f"IBAN {IBAN}"), "Égoutière"],
        # A wrong key, a phone number: kept as they are.
        [*hr_row("100004", "Diallo", "Awa", phone="01 42 76 40 40"), "Dossier 2 55 08 14 168 025 39"],
    ]
    run = import_file(acting_user=users["admin"], kind=ImportKind.AGENTS, file_name="rh.csv",
                      data=csv_bytes(rows, header=HEADER), mode=ImportMode.PARTIAL)  # fmt: skip
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.count_new == 4 and run.count_rejected == 0
    assert run.warnings == [
        [3, "Emploi", "(masqué)", NIR_MESSAGE],
        [4, "Grade", "(masqué)",
         "ce texte contient des coordonnées bancaires (IBAN), que Relais ne conserve pas ; valeur laissée vide."],
    ]  # fmt: skip
    assert Agent.objects.get(matricule="100002").job_title == ""
    assert Agent.objects.get(matricule="100003").grade == ""
    assert Agent.objects.get(matricule="100001").job_title == "Agent d'entretien"
    assert Agent.objects.get(matricule="100004").job_title == "Dossier 2 55 08 14 168 025 39"
    _nowhere(NIR)
    _nowhere(IBAN)


def test_the_command_prints_line_and_column(users, tmp_path):
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([[*hr_row("100001"), f"Emploi {NIR}"]], header=HEADER))
    err = io.StringIO()
    call_command("import_agents", str(path), stderr=err, stdout=io.StringIO())
    assert f"Ligne 2, colonne « Emploi » : {NIR_MESSAGE}" in err.getvalue()


def test_an_upload_by_the_page_stages_no_nir(users):
    rows = [[*hr_row("100001"), f"Emploi {NIR}"]]
    run = import_run_start(acting_user=users["admin"], kind=ImportKind.AGENTS, file_name="rh.csv",
                           data=csv_bytes(rows, header=HEADER))  # fmt: skip
    assert run.status == ImportStatus.ANALYSED, (run.status, run.error)
    assert run.warnings == [[2, "Emploi", "(masqué)", NIR_MESSAGE]] and run.count_warnings == 1
    _nowhere(NIR)


def test_an_adoption_report_drops_an_iban_in_a_kept_cell(dpe):
    AgentFactory(matricule="100001", direction=dpe, work_email="nadia.martin@paris.fr")
    header = ["Identifiant", "Adresse", "Créé le", "Dernière activité", "Désactivé"]
    data = csv_bytes([[f"{IBAN}", "nadia.martin@paris.fr", "2026-01-02", "2026-02-01", "non"]], header=header)
    run = import_file(acting_user=None, kind=ImportKind.ADOPTION, file_name="rapport.csv", data=data)
    assert run.status == ImportStatus.APPLIED, run.error
    assert [w[:2] for w in run.warnings] == [[2, "Identifiant"]]
    assert "coordonnées bancaires (IBAN)" in run.warnings[0][3]
    _nowhere(IBAN)


def test_a_pix_export_drops_a_nir_typed_as_a_first_name(dpe, tmp_path):
    AgentFactory(matricule="100001", last_name="Durand", first_name="Sandrine", direction=dpe)
    text = (FIXTURES / "pix_collecte_profils.csv").read_text(encoding="utf-8-sig")
    assert ';"Sandrine";' in text or ";Sandrine;" in text
    text = text.replace(';"Sandrine";', f';"Sandrine {NIR}";', 1).replace(";Sandrine;", f";Sandrine {NIR};", 1)
    path = tmp_path / "pix.csv"
    path.write_text(text, encoding="utf-8")
    run = import_file(acting_user=None, kind=ImportKind.PIX, file_name="pix.csv", data=path)
    assert run.status == ImportStatus.APPLIED, run.error
    assert any(w[1] == "Prénom du Participant" and w[3] == NIR_MESSAGE for w in run.warnings), run.warnings
    assert not PixParticipation.objects.filter(first_name__contains="168").exists()
    _nowhere(NIR)
