"""Bad and unusual files: each refused with a clear French message, or read right."""

import io

import openpyxl
import pytest

from relais.agents.models import Agent
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.reading import LINE, read_table
from relais.imports.services import import_file
from tests.imports.helpers import HR_HEADER, csv_bytes, hr_row

pytestmark = pytest.mark.django_db


def run_import(data, **kwargs):
    kwargs.setdefault("mode", ImportMode.PARTIAL)
    return import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.csv", data=data, **kwargs)


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)], ids=["utf8", "bom", "cp1252"]
)
def test_usual_encodings_are_read(encoding, bom):
    run = run_import(csv_bytes([hr_row("100001", "Lefèvre", "Hélène", site="Crèche Épée")], encoding=encoding, bom=bom))
    assert run.status == ImportStatus.APPLIED, run.error
    agent = Agent.objects.get()
    assert (agent.last_name, agent.first_name, agent.site.name) == ("Lefèvre", "Hélène", "Crèche Épée")


def test_mixed_encodings_are_refused_naming_the_line():
    good = csv_bytes([hr_row("100001", "Lefèvre", "Hélène")])
    bad = ";".join(hr_row("100002", "Bénard", "Zoé")).encode("cp1252") + b"\r\n"
    run = run_import(good + bad)
    assert run.status == ImportStatus.FAILED
    assert "mélange plusieurs encodages" in run.error and "ligne 3" in run.error
    assert not Agent.objects.exists()


def test_undecodable_bytes_are_refused():
    run = run_import(csv_bytes([hr_row("100001")], encoding="cp1252") + b"100002;\x81\x8d\x90;Zoe;DPE\r\n")
    assert run.status == ImportStatus.FAILED
    assert "Encodage du fichier non reconnu" in run.error and "ligne 3" in run.error


@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_separators_are_detected(sep):
    run = run_import(csv_bytes([hr_row("100001", grade="Adjoint, 1re classe")], sep=sep))
    assert run.status == ImportStatus.APPLIED, run.error
    assert Agent.objects.get().grade == "Adjoint, 1re classe"


def test_commas_in_every_cell_of_a_semicolon_file_do_not_make_it_a_comma_file():
    # A `;` file whose cells hold commas ("Adjoint, 1re classe", "12, rue …") on every line: the commas
    # outnumber the semicolons on each data line, but only `;` cuts every line like the header.
    site = "Groupe scolaire 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34 et 36, rue Curial"
    rows = [hr_row(str(100001 + i), site=site) for i in range(3)]
    run = run_import(csv_bytes(rows, sep=";"))
    assert run.status == ImportStatus.APPLIED, run.error
    assert set(Agent.objects.values_list("site__name", flat=True)) == {site}


def test_quoted_fields_with_separators_and_newlines():
    data = csv_bytes([hr_row("100001", grade='Adjoint;\n"principal"'), hr_row("100002", direction="")])
    run = run_import(data)
    assert Agent.objects.count() == 0
    # The second record starts on the fourth physical line, but it is row 3 in a spreadsheet.
    assert [r[0] for r in run.rejected] == [3]
    run = run_import(data, apply_valid_rows=True)
    assert Agent.objects.get().grade == 'Adjoint;\n"principal"'


def test_french_and_iso_dates():
    run_import(csv_bytes([hr_row("100001", entry="2015-09-01"), hr_row("100002", entry="1/9/2015")]))
    assert set(Agent.objects.values_list("entry_date", flat=True)) == {__import__("datetime").date(2015, 9, 1)}


@pytest.mark.parametrize("value", ["31/02/2024", "2024-13-01", "1/9/215", "demain", "09/2015", "12", "32 sept. 2020"])
def test_malformed_dates_are_a_warning_and_left_empty(value):
    run = run_import(csv_bytes([hr_row("100001", entry=value)]))
    assert run.rejected == [] and run.count_new == 1
    ((line, column, shown, message),) = run.warnings
    assert (line, column, shown) == (2, "Date d'entrée", value)
    assert message == f"date illisible « {value} », champ laissé vide."
    assert Agent.objects.get().entry_date is None


def test_missing_required_columns_are_named():
    header = [h for h in HR_HEADER if h not in ("Prénom", "Direction")]
    run = run_import(csv_bytes([["100001", "Durand"]], header=header))
    assert run.status == ImportStatus.FAILED
    assert "« prénom »" in run.error and "« direction »" in run.error


def test_duplicate_matricules_name_both_lines():
    run = run_import(csv_bytes([hr_row("100001"), hr_row("100002"), hr_row("100001", "Autre")]))
    assert sorted(r[0] for r in run.rejected) == [2, 4]
    assert all("lignes 2, 4" in r[3] for r in run.rejected)


def test_unknown_category_filiere_statut_are_warnings():
    run = run_import(csv_bytes([hr_row("100001", cat="D", filiere="Magie", statut="Intermittent")]))
    assert run.rejected == []
    assert sorted(r[1] for r in run.warnings) == ["Catégorie", "Filière", "Statut"]
    assert Agent.objects.values_list("category", "filiere", "statut").get() == ("", "", "")


def test_french_labels_map_to_enums():
    run_import(csv_bytes([hr_row("100001", cat="Cat. B", filiere="Filière médico-sociale", statut="CDD")]))
    agent = Agent.objects.get()
    assert (agent.category, agent.filiere, agent.statut) == ("B", "medico_sociale", "contractuel")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"], ids=["empty", "bom-only", "blank-lines"])
def test_empty_file(data):
    run = run_import(data)
    assert run.status == ImportStatus.FAILED and run.error == "Le fichier est vide."


def test_header_only_file():
    run = run_import(csv_bytes([]))
    assert run.status == ImportStatus.FAILED and "aucune ligne de données" in run.error


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "image (PNG)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04" + bytes(200), "classeur Excel lisible"),
        (bytes(range(256)) * 4, "ni un fichier CSV"),
    ],
    ids=["png", "pdf", "broken-zip", "binary"],
)
def test_not_a_spreadsheet(data, expected):
    run = run_import(data)
    assert run.status == ImportStatus.FAILED and expected in run.error


def test_ten_megabyte_cell_is_refused_and_not_kept():
    huge = "x" * (10 * 1024 * 1024 + 1)
    run = run_import(csv_bytes([hr_row("100001", grade=huge), hr_row("100002")]), apply_valid_rows=True)
    (rejection,) = run.rejected
    assert rejection[0] == 2 and "10 Mo" in rejection[3] and len(rejection[2]) < 100
    assert list(Agent.objects.values_list("matricule", flat=True)) == ["100002"]


def test_too_many_cells_on_a_line_is_rejected_with_its_line():
    data = csv_bytes([hr_row("100001")]) + ";".join(hr_row("100002") + ["extra", "cells"]).encode() + b"\r\n"
    run = run_import(data, apply_valid_rows=True)
    assert run.rejected[0][0] == 3 and "cellules" in run.rejected[0][3]
    assert list(Agent.objects.values_list("matricule", flat=True)) == ["100001"]


def test_unclosed_quote_is_refused():
    data = csv_bytes([hr_row("100001")]) + b'100002;"Durand;Sandrine;DPE\r\n100003;Roux;Karim;DPE\r\n'
    run = run_import(data)
    assert run.status == ImportStatus.FAILED
    assert "mal formé à partir de la ligne 3" in run.error
    assert not Agent.objects.exists()


def test_xlsx_is_read_with_typed_cells():
    import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HR_HEADER)
    sheet.append([100001, "Martin", "", "Nadia", "C", "Technique", "Titulaire", "", "DPE", "", "",
                  datetime.datetime(2015, 9, 1), None, "", ""])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.xlsx", data=buffer.getvalue())
    assert run.status == ImportStatus.APPLIED, run.error
    agent = Agent.objects.get()
    assert agent.matricule == "100001" and agent.entry_date == datetime.date(2015, 9, 1)


def test_nir_and_bank_columns_are_dropped_and_stored_nowhere(users):
    from django.apps import apps
    from django.db import connection

    header = [*HR_HEADER, "NIR", "N° de sécurité sociale", "IBAN", "Clé RIB", "Coordonnées bancaires"]
    nir, iban = "185057800608436", "FR7630006000011234567890189"
    data = csv_bytes([hr_row("100001") + [nir, nir, iban, "89", "BNP"]], header=header)
    run = run_import(data)
    assert run.status == ImportStatus.APPLIED
    assert any("NIR" in n and "« IBAN »" in n and "« Clé RIB »" in n for n in run.notices)
    # Search every text column of every table for the values.
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            for f in model._meta.concrete_fields:
                if f.get_internal_type() in ("CharField", "TextField", "JSONField", "EmailField"):
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {table} WHERE CAST({f.column} AS TEXT) LIKE %s OR "
                        f"CAST({f.column} AS TEXT) LIKE %s",
                        [f"%{nir}%", f"%{iban}%"],
                    )
                    assert cursor.fetchone()[0] == 0, (table, f.column)


def test_nir_in_matricule_column_is_rejected_and_masked():
    run = run_import(csv_bytes([hr_row("2 85 05 78 006 084 36")]))
    assert run.rejected[0][2] == "(masqué)"


def test_large_file_read_in_place_still_names_a_bad_line_far_down(tmp_path):
    rows = [hr_row(str(100000 + i), f"Lefèvre{i}", "Hélène") for i in range(12_000)]
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes(rows) + ";".join(hr_row("999999", "Bénard")).encode("cp1252") + b"\r\n")
    assert path.stat().st_size > 1024 * 1024
    run = import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.csv", data=path)
    assert run.status == ImportStatus.FAILED
    assert "mélange plusieurs encodages" in run.error and "ligne 12002" in run.error
    path.write_bytes(csv_bytes(rows) + ";".join(hr_row("999999") + ["en", "trop"]).encode() + b"\r\n")
    run = import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.csv", data=path, apply_valid_rows=True)
    assert run.status == ImportStatus.APPLIED and run.rejected[0][0] == 12002
    assert Agent.objects.count() == 12_000


def test_a_large_extract_is_read_with_each_column_in_one_piece():
    # Polars reads a large file in pieces; a column in pieces beside a computed one makes every later select
    # copy the whole extract (220 MB more at a million rows), so the reader joins each column once.
    rows = "".join(f"{100000 + i};Nom{i};Prénom\n" for i in range(50_000))
    table = read_table(f"Matricule;Nom;Prénom\n{rows}".encode(), lambda headers: {0: "matricule", 1: "last_name"})
    assert table.frame.height == 50_000
    assert {name: table.frame.get_column(name).n_chunks() for name in table.frame.columns} == {
        LINE: 1,
        "matricule": 1,
        "last_name": 1,
    }
