"""Files as HR and IT really send them: title rows, notes, merged cells, PowerShell, old Mac line ends,
UTF-16, and files built to exhaust the server."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from relais.adoption.models import ToolAccount
from relais.agents.models import Agent
from relais.imports.archive import Limits, check_workbook
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.models import ImportRun
from relais.imports.reading import ImportFileError, read_table
from tests.factories import AgentFactory
from tests.imports import bombs
from tests.imports.helpers import HR_HEADER, csv_bytes, hr_row

pytestmark = pytest.mark.django_db


def hr_import(data, **kwargs):
    from relais.imports.services import import_file

    kwargs.setdefault("mode", ImportMode.PARTIAL)
    return import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh", data=data, **kwargs)


def keep_all(headers):
    return {i: h for i, h in enumerate(headers) if h}


# Header under title rows, notes under the table.


def test_csv_header_under_title_rows_keeps_the_real_line_numbers():
    title = "Extraction SIRH — agents de la DPE\r\nÉditée le 02/03/2026 par le service RH;;;\r\n\r\n".encode()
    data = title + csv_bytes([hr_row("100001"), hr_row("100002", last=""), hr_row("100003")])
    run = hr_import(data, apply_valid_rows=True)
    assert run.status == ImportStatus.APPLIED, run.error
    assert [(r[0], r[1]) for r in run.rejected] == [(6, "Nom")]  # header on line 4
    assert "en-tête trouvé ligne 4" in run.options["format"]
    assert sorted(Agent.objects.values_list("matricule", flat=True)) == ["100001", "100003"]


def test_title_rows_with_a_missing_required_column_name_that_column():
    header = [h for h in HR_HEADER if h != "Prénom"]
    data = b"Extraction du 02/03/2026\r\n" + csv_bytes([["100001", "Durand"]], header=header)
    run = hr_import(data)
    assert run.status == ImportStatus.FAILED and "« prénom »" in run.error and "« nom »" not in run.error


def test_notes_under_the_table_are_not_rows():
    notes = "\r\nSource : SIRH, extraction du 02/03/2026\r\nDonnées confidentielles\r\n".encode()
    run = hr_import(csv_bytes([hr_row("100001"), hr_row("100002")]) + notes)
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    assert run.rejected == [] and Agent.objects.count() == 2
    assert "notes sous le tableau ignorées (lignes 5 à 6)" in run.options["format"]


def test_a_one_cell_row_inside_the_table_or_of_no_words_is_still_a_row():
    run = hr_import(csv_bytes([hr_row("100001"), ["100002"]]))
    assert {r[0] for r in run.rejected} == {3}
    run = hr_import(csv_bytes([hr_row("100001"), [""], ["100002"]]))
    assert {r[0] for r in run.rejected} == {4}


def test_header_of_unknown_names_is_the_first_row_as_wide_as_the_table():
    data = b"Rapport\r\n\r\nColonne A;Colonne B;Colonne C\r\n1;2;3\r\n"
    table = read_table(data, keep_all)
    assert table.headers == ["Colonne A", "Colonne B", "Colonne C"] and table.frame["__line"].to_list() == [4]


def test_a_known_counter_chooses_the_header():
    data = b"Matricule;Direction\r\nNom;Prenom;Matricule\r\n1;2;3\r\n"
    table = read_table(data, keep_all, known=lambda cells: sum(c in ("Nom", "Prenom", "Matricule") for c in cells))
    assert table.headers == ["Nom", "Prenom", "Matricule"] and table.header_line == 2


def xlsx(build) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    build(workbook, workbook.add_worksheet())
    workbook.close()
    return buffer.getvalue()


def test_xlsx_header_under_a_merged_title_and_merged_cells_read_as_their_value():
    def build(workbook, sheet):
        sheet.merge_range("A1:O1", "Extraction SIRH — agents au 02/03/2026")
        sheet.write_row(2, 0, HR_HEADER)
        sheet.write_row(3, 0, hr_row("100001", direction="", site=""))
        sheet.write_row(4, 0, hr_row("100002", direction="", site=""))
        sheet.write_row(5, 0, hr_row("100003", "", direction="", site=""))
        sheet.merge_range("I4:I6", "DPE")  # the direction, merged over its three agents
        sheet.merge_range("K4:K5", "Dépôt Nord")

    run = hr_import(xlsx(build), apply_valid_rows=True)
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    assert [(r[0], r[1]) for r in run.rejected] == [(6, "Nom")]
    agents = {a.matricule: a for a in Agent.objects.select_related("direction", "site")}
    assert {m: (a.direction.code, a.site.name) for m, a in agents.items()} == {
        "100001": ("DPE", "Dépôt Nord"),
        "100002": ("DPE", "Dépôt Nord"),
    }
    assert "en-tête trouvé ligne 3" in run.options["format"]


# PowerShell and Excel exports.


def test_powershell_export_csv_with_its_type_line(dpe):
    nadia = AgentFactory(matricule="100001", direction=dpe)
    data = (
        b"#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n"
        b'"SamAccountName","employeeID","whenCreated","userAccountControl"\r\n'
        b'"nmartin","100001","1/16/2025 9:30:00 AM","512"\r\n'
    )
    from relais.imports.services import import_file

    run = import_file(acting_user=None, kind=ImportKind.ADOPTION, file_name="ad.csv", data=data)
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.source == "ad" and ToolAccount.objects.get(agent=nadia).provisioned_on.isoformat() == "2025-01-16"


def test_comment_lines_and_excel_sep_line_before_the_header():
    table = read_table(b"sep=;\r\n# export\r\nA;B\r\n1;2,5\r\n", keep_all)
    assert table.separator == ";" and table.frame.select("A", "B").rows() == [("1", "2,5")]
    assert table.frame["__line"].to_list() == [4]


# Line ends and encodings.


def test_old_mac_files_with_cr_line_ends_are_read():
    data = csv_bytes([hr_row("100001"), hr_row("100002", grade='Adjoint\r"chef"')]).replace(b"\r\n", b"\r")
    run = hr_import(data)
    assert run.status == ImportStatus.APPLIED, run.error
    assert set(Agent.objects.values_list("grade", flat=True)) == {"Adjoint technique", 'Adjoint\r"chef"'}


def test_a_lone_cr_line_end_is_a_line_end_not_an_unclosed_quote(tmp_path):
    rows = [hr_row(str(100000 + i)) for i in range(3)]
    data = csv_bytes(rows)
    data = data.replace(b"\r\n100001", b"\r100001", 1)  # one line ended by a CR alone
    run = hr_import(data)
    assert run.status == ImportStatus.APPLIED, run.error
    assert Agent.objects.count() == 3
    # Far down a large file read in place too.
    many = csv_bytes([hr_row(str(200000 + i)) for i in range(12_000)])
    many = many[: len(many) - 200] + many[len(many) - 200 :].replace(b"\r\n", b"\r", 1)
    path = tmp_path / "rh.csv"
    path.write_bytes(many)
    run = hr_import(path)
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.rejected == [] and Agent.objects.count() == 12_003


@pytest.mark.parametrize(
    ("codec", "bom", "label"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16 LE"),
        ("utf-16-be", b"\xfe\xff", "UTF-16 BE"),
        ("utf-16-le", b"", "UTF-16 LE sans BOM"),
        ("utf-16-be", b"", "UTF-16 BE sans BOM"),
    ],
)
def test_utf16_with_and_without_bom(codec, bom, label):
    text = csv_bytes([hr_row("100001", "Lefèvre", "Hélène", site="Crèche Épée")]).decode()
    run = hr_import(bom + text.encode(codec))
    assert run.status == ImportStatus.APPLIED, run.error
    assert f"encodage {label}," in run.options["format"]
    agent = Agent.objects.get()
    assert (agent.last_name, agent.first_name, agent.site.name) == ("Lefèvre", "Hélène", "Crèche Épée")


def test_binary_with_nul_bytes_is_still_not_a_spreadsheet():
    run = hr_import(bytes(range(256)) * 64)
    assert run.status == ImportStatus.FAILED and "ni un fichier CSV" in run.error


# Bounded resources.


def test_ten_megabyte_cell_rejects_its_line_in_a_usage_report_too(dpe):
    from relais.imports.services import import_file

    AgentFactory(matricule="100001", direction=dpe)
    header = ["Identifiant", "Adresse", "Dernière activité"]
    rows = [["100001", "", "01/02/2026"], ["", "x" * (10 * 1024 * 1024 + 1), "01/02/2026"]]
    run = import_file(acting_user=None, kind=ImportKind.ADOPTION, file_name="rapport.csv",
                      data=csv_bytes(rows, header=header), apply_valid_rows=True)  # fmt: skip
    ((line, column, value, reason),) = run.rejected
    assert (line, column) == (3, "Adresse") and "10 Mo" in reason and len(value) < 100
    assert run.count_unmatched == 0 and len(str(run.examples)) < 10_000


def test_zip_bomb_announcing_its_size_is_refused_before_expanding():
    bomb = bombs.zip_bomb(gigabytes=1)
    assert len(bomb) < 2 * 1024 * 1024
    run = hr_import(bomb)
    assert run.status == ImportStatus.FAILED
    assert "trop volumineux une fois décompressé (1 Go annoncés)" in run.error and "bombe de décompression" in run.error


@pytest.mark.parametrize("cells", [True, False], ids=["cells", "spaces"])
def test_zip_bomb_lying_about_its_size_is_refused_while_expanding(cells):
    run = hr_import(bombs.zip_bomb(gigabytes=1, cells=cells, honest=False))
    assert run.status == ImportStatus.FAILED
    assert "falsifié" in run.error or "trop de cellules" in run.error


def test_highly_compressed_entry_is_refused_under_the_size_limit():
    with pytest.raises(ImportFileError, match="comprimé 1[0-9]{3} fois"):
        check_workbook(bombs.zip_bomb(gigabytes=0.1, cells=False))


def test_too_many_cells_counted_while_expanding(settings):
    settings.RELAIS_IMPORT_MAX_CELLS = 1000
    rows = [HR_HEADER] + [hr_row(str(100000 + i)) for i in range(100)]  # 1,515 cells
    data = xlsx(lambda workbook, sheet: [sheet.write_row(i, 0, row) for i, row in enumerate(rows)])
    run = hr_import(data)
    assert run.status == ImportStatus.FAILED and "trop de cellules" in run.error and "1\u202f000 au plus" in run.error
    settings.RELAIS_IMPORT_MAX_CELLS = 2000
    assert hr_import(data).status == ImportStatus.APPLIED


def test_a_declared_dimension_or_a_far_cell_is_refused_before_the_sheet_is_laid_out():
    limit = Limits(uncompressed_bytes=512 * 1024 * 1024, cells=3_000_000)
    xml = (
        bombs.HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"/></row></sheetData></worksheet>'
    )
    deflated, size = bombs.repeated_deflate(xml, b"", 0, b"")
    with pytest.raises(ImportFileError, match="17\u202f179\u202f869\u202f184"):
        check_workbook(bombs.workbook_with_sheet(deflated, size), limit)
    xml = bombs.HEAD + b'<sheetData><row r="1"><c r="A1"/><c r="XFD1048576"/></row></sheetData></worksheet>'
    deflated, size = bombs.repeated_deflate(xml, b"", 0, b"")
    with pytest.raises(ImportFileError, match="trop de cellules"):
        check_workbook(bombs.workbook_with_sheet(deflated, size), limit)


def test_ordinary_workbook_passes_the_checks():
    check_workbook(bombs.small_workbook())


def test_upload_limit_is_a_setting_enforced_by_the_form(settings):
    from relais.imports.forms import ImportForm

    settings.RELAIS_IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("rh.csv", b"x" * (1024 * 1024 + 1))
    form = ImportForm({"kind": ImportKind.AGENTS, "mode": "partial"}, {"file": upload})
    assert not form.is_valid()
    assert "plus que les 1 Mo acceptés par cette page" in form.errors["file"][0]


def test_an_upload_past_the_limit_is_stopped_while_it_arrives(client, settings):
    """The page answers with the size message, and the bytes past the limit never reach a file handler."""
    from relais.accounts.enums import Role
    from tests.factories import UserFactory
    from tests.imports.helpers import RecordingUploadHandler

    settings.RELAIS_IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_HANDLERS = [settings.FILE_UPLOAD_HANDLERS[0], "tests.imports.helpers.RecordingUploadHandler"]
    RecordingUploadHandler.received = 0
    client.force_login(UserFactory(username="admin", role=Role.ADMIN))
    upload = SimpleUploadedFile("rh.csv", b"x" * (3 * 1024 * 1024))
    response = client.post("/imports/nouveau/", {"kind": ImportKind.AGENTS, "mode": "partial", "file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "acceptés par cette page" in page
    assert "Ce champ est obligatoire" not in page
    assert RecordingUploadHandler.received <= 1024 * 1024  # of the 3 MB sent
    assert not ImportRun.objects.exists()
