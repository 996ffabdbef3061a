"""Each rule on hand-made lines: the good line passes every rule, one fault makes exactly the expected rule speak,
naming the line and the column as the file writes it."""

import pytest

from relais.findings.rules import REGISTRY
from tests.factories import DirectionFactory, ServiceFactory
from tests.findings.helpers import GOOD, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def referential():
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    ServiceFactory(direction=dpe, name="Collecte")


def test_the_good_line_passes_every_rule():
    findings = run([GOOD])
    assert findings.height == 0, findings.get_column("message").to_list()


# rule -> (changes to the good line, column named)
FAULTS = {
    "VAL-NIR-FORMAT": ({"NIR": "1 80 13 75 056 048 20"}, "NIR"),
    "VAL-NIR-CLE": ({"NIR": "1 80 05 75 056 048 21"}, "NIR"),
    "VAL-IBAN": ({"IBAN": "FR76 3000 6000 0112 3456 7890 198"}, "IBAN"),
    "VAL-RIB-CLE": ({"Clé RIB": "88"}, "Clé RIB"),
    "VAL-DATE": ({"Date d'entrée": "31/02/2005"}, "Date d'entrée"),
    "VAL-CP": ({"Code postal": "7501"}, "Code postal"),
    "VAL-COURRIEL": ({"Courriel professionnel": "karim.durand@paris"}, "Courriel professionnel"),
    "VAL-TEL": ({"Téléphone professionnel": "01 40 12"}, "Téléphone professionnel"),
    "COH-NIR-SEXE": ({"Civilité": "Mme"}, "Civilité"),
    "COH-NIR-NAISSANCE": ({"Date de naissance": "14/06/1980"}, "Date de naissance"),
    "COH-AGE-ENTREE": ({"Date d'entrée": "01/09/1990"}, "Date d'entrée"),
    "COH-GRADE-FILIERE": ({"Grade": "Rédacteur", "Catégorie": "B"}, "Grade"),
    "COH-GRADE-CATEGORIE": ({"Catégorie": "A"}, "Catégorie"),
    "COH-POSITION-NON-TITULAIRE": ({"Statut": "Contractuel", "Grade": "", "Catégorie": "", "Filière": ""},
                                   "Position administrative"),
    "COH-POSITION-TITULAIRE": ({"Position administrative": "En mission"}, "Position administrative"),
    "COMP-GRADE": ({"Grade": ""}, "Grade"),
    "COMP-CATEGORIE": ({"Catégorie": ""}, "Catégorie"),
    "COMP-FILIERE": ({"Filière": ""}, "Filière"),
    "COMP-STATUT": ({"Statut": ""}, "Statut"),
    "COMP-FIN-CDD": ({"Statut": "Contractuel CDD", "Position administrative": "", "Grade": "", "Catégorie": "",
                      "Filière": ""}, "Date de fin de contrat"),
    "COMP-NIR": ({"NIR": ""}, "NIR"),
    "COMP-NAISSANCE": ({"Date de naissance": ""}, "Date de naissance"),
    "COMP-ENTREE": ({"Date d'entrée": ""}, "Date d'entrée"),
    "COMP-GESTIONNAIRE": ({"Gestionnaire RH": ""}, "Gestionnaire RH"),
    "DEL-POSITION-ECHUE": ({"Position administrative": "Disponibilité", "Date de fin de position": "30/06/2026"},
                           "Date de fin de position"),
    "DEL-CONTRAT-ECHU": ({"Statut": "Contractuel", "Position administrative": "", "Grade": "", "Catégorie": "",
                          "Filière": "", "Date de fin de contrat": "31/10/2026"}, "Date de fin de contrat"),
    "REF-DIRECTION": ({"Direction": "DXYZ"}, "Direction"),
    "REF-SERVICE": ({"Service": "Atelier inconnu"}, "Service"),
    "REF-GRADE": ({"Grade": "Grand chambellan"}, "Grade"),
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(FAULTS))
def test_one_fault_makes_its_rule_speak(code):
    changes, column = FAULTS[code]
    findings = run([{**GOOD, **changes}])
    rules = findings.get_column("rule").to_list()
    assert code in rules, findings.get_column("message").to_list()
    row = findings.filter(findings["rule"] == code).row(0, named=True)
    assert row["column"] == column
    assert row["message"].startswith(f"Ligne 2, colonne « {column} » : ")
    assert row["matricule"] == "100200"
    assert "1800575056048" not in row["message"] and "FR76" not in row["message"]


def test_every_rule_is_tested_here_or_in_the_uniqueness_tests():
    uniqueness = {"UNI-MATRICULE", "UNI-NIR", "UNI-IDENTITE"}
    assert set(REGISTRY) == set(FAULTS) | uniqueness | {"COH-AGE"}


def test_age_today_out_of_range():
    findings = run([{**GOOD, "Date de naissance": "14/05/1950", "NIR": "1 50 05 75 056 048 89",
                     "Date d'entrée": "01/09/1990"}])  # fmt: skip
    assert "COH-AGE" in findings.get_column("rule").to_list()


def test_corsica_and_unknown_months_are_valid_nirs():
    from relais.core.identifiers import nir_key

    corsica = "18005" + "2A" + "056048"
    unknown_month = "1803575056048"  # month 35: birth month unknown
    rows = [
        {**GOOD, "NIR": corsica + f"{nir_key(corsica):02}"},
        {**GOOD, "Matricule": "100201", "Prénom": "Paul", "NIR": unknown_month + f"{nir_key(unknown_month):02}"},
    ]
    findings = run(rows)
    assert (
        findings.filter(findings["rule"].str.starts_with("VAL-NIR") | (findings["rule"] == "COH-NIR-NAISSANCE")).height
        == 0
    )


def test_grade_abbreviations_are_recognised():
    findings = run(
        [
            {**GOOD, "Grade": "Adj. tech. ppal 2e cl."},
            {**GOOD, "Matricule": "100201", "Prénom": "Lina", "Grade": "ADJOINT TECHNIQUE PRINCIPAL DE 2EME CLASSE"},
        ]
    )
    grade_rules = findings.filter(findings["rule"].str.contains("GRADE"))
    assert grade_rules.height == 0, grade_rules.get_column("message").to_list()


def test_uniqueness_same_nir_two_files_same_matricule_twice_and_homonyms():
    twin = {**GOOD, "Matricule": "100999", "Prénom": "Paul"}  # same NIR on another file
    again = {**GOOD, "Prénom": "Karima", "NIR": "", "Civilité": ""}  # same matricule, another line
    homonym = {**GOOD, "Matricule": "100777", "NIR": ""}  # same names and birth date
    findings = run([GOOD, twin, again, homonym])
    by_rule = {}
    for row in findings.iter_rows(named=True):
        by_rule.setdefault(row["rule"], set()).add(row["line"])
    assert by_rule["UNI-NIR"] == {2, 3}
    assert by_rule["UNI-MATRICULE"] == {2, 4}
    assert {2, 5} <= by_rule["UNI-IDENTITE"]
    message = findings.filter((findings["rule"] == "UNI-NIR") & (findings["line"] == 2))["message"][0]
    assert message == "Ligne 2, colonne « NIR » : même NIR que le dossier actif de la ligne 3 (matricule 100999)."


def test_a_file_that_left_does_not_make_its_nir_a_duplicate():
    left = {**GOOD, "Matricule": "100999", "Date de sortie": "01/01/2020"}
    findings = run([GOOD, left])
    assert "UNI-NIR" not in findings.get_column("rule").to_list()


def test_administrators_switch_rules_off_or_change_their_severity():
    from relais.findings.models import RuleSetting

    RuleSetting.objects.create(code="VAL-CP", enabled=False)
    RuleSetting.objects.create(code="COMP-GRADE", severity="info")
    findings = run([{**GOOD, "Code postal": "7501", "Grade": ""}])
    assert "VAL-CP" not in findings.get_column("rule").to_list()
    assert findings.filter(findings["rule"] == "COMP-GRADE")["severity"].to_list() == ["info"]


def test_a_rule_failing_on_a_whole_column_is_one_systematic_fault_not_a_finding_per_file():
    from relais.findings.engine import check
    from relais.findings.reading import read_for_checks
    from tests.findings.helpers import TODAY, csv_of

    rows = [{**GOOD, "Matricule": str(200000 + n), "Prénom": f"P{n}", "NIR": "", "Téléphone professionnel": "01 40 12",
             "Code postal": "7501" if n == 7 else "75011"} for n in range(1500)]  # fmt: skip
    frame, labels = read_for_checks(csv_of(rows))
    result = check(frame, labels, today=TODAY)
    assert "VAL-TEL" not in result.findings.get_column("rule").to_list()
    assert [(s["rule"], s["column"], s["lines"]) for s in result.systematic] == [
        ("COMP-NIR", "NIR", 1500), ("VAL-TEL", "Téléphone professionnel", 1500)]  # fmt: skip
    assert result.findings.filter(result.findings["rule"] == "VAL-CP")["line"].to_list() == [9]
