"""The mapping step, import profiles and the columns every summary says it ignored."""

import datetime
import io

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from relais.adoption.models import ToolAccount
from relais.agents.models import Agent
from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.mapping import IGNORE, Proposal, read_raw
from relais.imports.models import ImportProfile, ImportRun
from relais.imports.services import import_file
from tests.factories import AgentFactory
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db

SIRH = ["Matricule de l'agent", "NOM", "Prenon", "Date de naissance", "Direction", "Date d'embauche", "NIR"]


def sirh_rows():
    return [
        ["100001", "Durand", "Sandrine", "12/03/1980", "DPE", "01/09/2015", "2800375123456"],
        ["100002", "Martin", "Nadia", "05/07/1975", "DPE", "15/01/2020", "2750775123456"],
        ["100003", "Roux", "Paul", "30/11/1990", "DFPE", "3/4/2021", "1901175123456"],
    ]


def upload(client, data, *, name="sirh.csv", kind="agents", **extra):
    return client.post(
        reverse("imports:run_create"),
        {"kind": kind, "mode": "partial", "file": SimpleUploadedFile(name, data), "tool": "messagerie", **extra},
    )


def choices(run, **overrides):
    """The POST of the mapping step: Relais' proposal, with some columns changed (by header)."""
    proposal = Proposal.from_json(run.options["proposal"])
    data = {}
    for column in proposal.columns:
        data[f"col_{column.index}"] = overrides.pop(column.header, column.proposed)
        if column.date_order:
            data[f"order_{column.index}"] = overrides.pop(f"order:{column.header}", column.date_order)
    return {**data, **overrides}


def test_uncertain_headers_stop_at_the_mapping_step_with_samples_and_proposals(client, users):
    client.force_login(users["admin"])
    response = upload(client, csv_bytes(sirh_rows(), header=SIRH))
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.MAPPING and run.analysed_at is None and not Agent.objects.exists()
    proposal = Proposal.from_json(run.options["proposal"])
    by_header = {c.header: c for c in proposal.columns}
    assert "NIR" not in by_header and proposal.forbidden == ["NIR"]
    matricule = by_header["Matricule de l'agent"]
    assert (matricule.proposed, matricule.certain) == ("matricule", False)
    assert by_header["Prenon"].proposed == "first_name" and not by_header["Prenon"].certain
    assert by_header["NOM"].certain and by_header["Date de naissance"].proposed == IGNORE
    assert by_header["NOM"].samples == ["Durand", "Martin", "Roux"]
    assert by_header["Date d'embauche"].date_order == "dmy"  # 15/01/2020 decides the whole column
    # The NIR was never read: it is in no staged column.
    staged = pl.read_parquet(io.BytesIO(bytes(run.staged_data)))
    assert not any(staged[c].cast(pl.String).str.contains("2800375123456").any() for c in staged.columns)

    page = client.get(response["Location"]).content.decode()
    assert "Vérifier les colonnes" in page and "à vérifier" in page and "<q>Durand</q>" in page
    assert "Champ Relais pour la colonne « Prenon »" in page and "Ignorer cette colonne" in page

    response = client.post(reverse("imports:run_map", args=[run.public_id]), choices(run))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.ANALYSED and run.count_new == 3 and run.count_rejected == 0
    assert run.options["ignored_columns"] == ["Date de naissance", "NIR"] and "proposal" not in run.options
    page = client.get(response["Location"]).content.decode()
    assert "Colonnes ignorées" in page and "« Date de naissance », « NIR »" in page
    client.post(reverse("imports:run_apply", args=[run.public_id]))
    agent = Agent.objects.get(matricule="100003")
    assert (agent.first_name, agent.entry_date) == ("Paul", datetime.date(2021, 4, 3))


def test_certain_headers_skip_the_step_and_the_report_lists_the_ignored_columns(client, users):
    client.force_login(users["admin"])
    header = ["Matricule", "Nom", "Prénom", "Direction", "NIR"]
    upload(client, csv_bytes([["100001", "Durand", "Sandrine", "DPE", "2800375123456"]], header=header))
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.ANALYSED and run.options["ignored_columns"] == ["NIR"]
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert "Colonnes ignorées</dt><dd>« NIR »</dd>" in page


def test_a_required_field_missing_is_said_in_french_and_nothing_is_written(client, users):
    client.force_login(users["admin"])
    header = ["Matricule", "Nom", "Prénom", "UA"]
    upload(client, csv_bytes([["100001", "Durand", "Sandrine", "DPE"]], header=header))
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.MAPPING
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert "Colonne obligatoire absente : « direction »" in page

    response = client.post(reverse("imports:run_map", args=[run.public_id]), choices(run))
    assert response.status_code == 200 and "Colonne obligatoire absente : « direction »" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.MAPPING and not Agent.objects.exists() and not ImportProfile.objects.exists()

    response = client.post(reverse("imports:run_map", args=[run.public_id]), choices(run, Nom="first_name"))
    text = response.content.decode()
    assert response.status_code == 200 and "« Nom » et « Prénom » vont toutes vers le champ « prénom »" in text

    client.post(reverse("imports:run_map", args=[run.public_id]), choices(run, UA="direction"))
    run.refresh_from_db()
    assert run.status == ImportStatus.ANALYSED and run.count_new == 1


def test_a_bad_value_in_a_mapped_column_names_its_line_and_header(client, users):
    client.force_login(users["admin"])
    rows = sirh_rows()
    rows[1][5] = "31/02/2020"
    upload(client, csv_bytes(rows, header=SIRH))
    run = ImportRun.objects.get()
    client.post(reverse("imports:run_map", args=[run.public_id]), choices(run))
    run.refresh_from_db()
    # An optional column: the unreadable date is a warning naming its line and header, the field left empty.
    assert not run.rejected
    assert run.warnings[0][:3] == [3, "Date d'embauche", "31/02/2020"] and "champ laissé vide" in run.warnings[0][3]
    client.post(reverse("imports:run_apply", args=[run.public_id]))
    assert Agent.objects.count() == len(rows) and Agent.objects.filter(entry_date__isnull=True).count() == 1


def test_a_saved_profile_is_offered_for_the_same_headers_and_applied_when_accepted(client, users):
    client.force_login(users["admin"])
    upload(client, csv_bytes(sirh_rows(), header=SIRH))
    first = ImportRun.objects.get()
    client.post(reverse("imports:run_map", args=[first.public_id]), choices(first, profile_name="SIRH mensuel"))
    profile = ImportProfile.objects.get()
    assert (profile.name, profile.kind) == ("SIRH mensuel", ImportKind.AGENTS)
    assert profile.mapping["matricule de l agent"] == "matricule" and profile.mapping["date de naissance"] == IGNORE
    assert profile.date_orders == {"entry_date": "dmy"} and "nir" not in profile.headers

    # Same headers in another order, other rows: offered, pre-filled.
    header = [SIRH[i] for i in (1, 0, 2, 3, 4, 5, 6)]
    rows = [[r[i] for i in (1, 0, 2, 3, 4, 5, 6)] for r in sirh_rows()]
    upload(client, csv_bytes(rows, header=header), name="sirh-avril.csv")
    second = ImportRun.objects.exclude(pk=first.pk).get()
    assert second.status == ImportStatus.MAPPING
    proposal = Proposal.from_json(second.options["proposal"])
    assert proposal.profile == "SIRH mensuel" and all(c.certain for c in proposal.columns)
    page = client.get(reverse("imports:run_detail", args=[second.public_id])).content.decode()
    assert "le profil d'import <strong>« SIRH mensuel »</strong> est proposé" in page
    client.post(reverse("imports:run_map", args=[second.public_id]), choices(second))
    second.refresh_from_db()
    assert second.status == ImportStatus.ANALYSED and second.options["profile"] == "SIRH mensuel"
    assert ImportProfile.objects.count() == 1


def test_a_profile_remembers_a_month_first_column_and_warns_on_the_contradicting_line(tmp_path, capsys):
    ImportProfile.objects.create(
        name="AD en-US",
        kind=ImportKind.AGENTS,
        headers=["matricule", "nom", "prenom", "direction", "entree"],
        mapping={
            "matricule": "matricule",
            "nom": "last_name",
            "prenom": "first_name",
            "direction": "direction",
            "entree": "entry_date",
        },  # fmt: skip
        date_orders={"entry_date": "mdy"},
    )
    header = ["Matricule", "Nom", "Prénom", "Direction", "Entrée"]
    rows = [["100001", "Durand", "Sandrine", "DPE", "3/4/2021"], ["100002", "Roux", "Paul", "DPE", "25/12/2020"]]
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes(rows, header=header))
    call_command("import_agents", str(path), "--profile", "AD en-US")
    out, err = capsys.readouterr()
    assert "Ligne 3, colonne « Entrée » :" in err and "champ laissé vide" in err
    dates = dict(Agent.objects.values_list("matricule", "entry_date"))
    assert dates == {"100001": datetime.date(2021, 3, 4), "100002": None}  # month first, as the profile says
    assert "Colonnes ignorées : aucune." in out


def test_profile_option_refused_in_french_when_unknown_or_not_fitting(tmp_path):
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([["100001", "Durand", "Sandrine", "DPE"]], header=["Matricule", "Nom", "Prénom", "UA"]))
    with pytest.raises(CommandError, match="Profil d'import inconnu : « SIRH »"):
        call_command("import_agents", str(path), "--profile", "SIRH")
    ImportProfile.objects.create(
        name="SIRH", kind=ImportKind.AGENTS, headers=["code ua"],
        mapping={"matricule": "matricule", "nom": "last_name", "prenom": "first_name", "code ua": "direction"},
    )  # fmt: skip
    with pytest.raises(CommandError, match="ne correspond pas à ce fichier : colonne absente : « code ua »"):
        call_command("import_agents", str(path), "--profile", "SIRH")
    with pytest.raises(CommandError, match="sert à un autre type de fichier"):
        call_command("import_adoption", str(path), "--profile", "SIRH")
    assert not Agent.objects.exists() and not ImportRun.objects.exclude(status=ImportStatus.FAILED).exists()


def test_profile_option_maps_the_columns_in_the_command(tmp_path, capsys):
    ImportProfile.objects.create(
        name="SIRH", kind=ImportKind.AGENTS, headers=["matricule", "nom", "prenom", "ua", "naissance"],
        mapping={"matricule": "matricule", "nom": "last_name", "prenom": "first_name", "ua": "direction",
                 "naissance": IGNORE},
    )  # fmt: skip
    header = ["Matricule", "Nom", "Prénom", "UA", "Naissance"]
    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([["100001", "Durand", "Sandrine", "DPE", "1980-01-01"]], header=header))
    call_command("import_agents", str(path), "--profile", "SIRH")
    assert Agent.objects.get().direction.code == "DPE"
    assert "Colonnes ignorées : « Naissance »." in capsys.readouterr().out
    assert ImportRun.objects.get().options["profile"] == "SIRH"


def test_adoption_profile_on_the_command_line(tmp_path, dpe):
    nadia = AgentFactory(matricule="100001", direction=dpe)
    ImportProfile.objects.create(
        name="Messagerie maison", kind=ImportKind.ADOPTION, source="generic", headers=["agent", "vu le"],
        mapping={"agent": "employee_id", "vu le": "last_activity_on"},
    )  # fmt: skip
    path = tmp_path / "rapport.csv"
    path.write_bytes(csv_bytes([["100001", "02/03/2026"]], header=["Agent", "Vu le"]))
    call_command("import_adoption", str(path), "--profile", "Messagerie maison")
    assert ToolAccount.objects.get(agent=nadia).last_activity_on == datetime.date(2026, 3, 2)


# Get-ADUser exports: readable property names.

GET_ADUSER = (
    b"#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n"
    b'"DistinguishedName","Enabled","EmailAddress","LastLogonDate","SamAccountName","UserPrincipalName",'
    b'"whenCreated"\r\n'
    b'"CN=Nadia Martin,OU=Agents","True","nadia.martin@paris.fr","1/16/2025 9:30:00 AM","nmartin",'
    b'"nadia.martin@paris.fr","3/4/2024 8:00:00 AM"\r\n'
    b'"CN=Paul Roux,OU=Agents","False","paul.roux@paris.fr","","proux","paul.roux@paris.fr",'
    b'"3/5/2024 8:00:00 AM"\r\n'
)


def test_get_aduser_property_names_are_recognised(dpe, capsys, tmp_path):
    nadia = AgentFactory(matricule="100001", direction=dpe, work_email="nadia.martin@paris.fr")
    paul = AgentFactory(matricule="100002", direction=dpe, work_email="paul.roux@paris.fr")
    path = tmp_path / "ad.csv"
    path.write_bytes(GET_ADUSER)
    call_command("import_adoption", str(path))
    out = capsys.readouterr().out
    assert "Active Directory" in out and "Colonnes ignorées : « DistinguishedName »." in out
    account = ToolAccount.objects.get(agent=nadia)
    assert (account.provisioned_on, account.last_activity_on) == (datetime.date(2024, 3, 4), datetime.date(2025, 1, 16))
    assert ToolAccount.objects.get(agent=paul).disabled_on is not None  # Enabled = False


def test_get_aduser_export_through_the_page_is_certain_and_an_unknown_column_asks(client, users, dpe):
    AgentFactory(matricule="100001", direction=dpe, work_email="nadia.martin@paris.fr")
    client.force_login(users["admin"])
    upload(client, GET_ADUSER, name="ad.csv", kind="adoption")
    run = ImportRun.objects.get()
    # Every header known (DistinguishedName as a column AD writes and Relais does not use): no step.
    assert run.status == ImportStatus.ANALYSED and run.source == "ad", run.error
    assert run.count_new == 1 and run.count_unmatched == 1 and run.options["ignored_columns"] == ["DistinguishedName"]

    data = GET_ADUSER.replace(b'"whenCreated"\r\n', b'"whenCreated","Bureau"\r\n')
    upload(client, data, name="ad2.csv", kind="adoption")
    run = ImportRun.objects.exclude(pk=run.pk).get()
    assert run.status == ImportStatus.MAPPING
    proposal = Proposal.from_json(run.options["proposal"])
    assert {c.header: c.proposed for c in proposal.columns}["LastLogonDate"] == "last_logon_date"
    assert {c.header: c.date_order for c in proposal.columns}["LastLogonDate"] == "mdy"
    client.post(reverse("imports:run_map", args=[run.public_id]), choices(run))
    run.refresh_from_db()
    assert run.status == ImportStatus.ANALYSED, run.error
    assert run.options["ignored_columns"] == ["DistinguishedName", "Bureau"]


def test_a_microsoft_365_report_with_all_its_columns_needs_no_step(client, users, dpe):
    AgentFactory(matricule="100001", direction=dpe, work_email="nadia.martin@paris.fr")
    header = ["Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date",
              "Last Activity Date", "Send Count", "Receive Count", "Read Count", "Meeting Created Count",
              "Meeting Interacted Count", "Assigned Products", "Report Period"]  # fmt: skip
    row = ["2026-03-01", "nadia.martin@paris.fr", "Nadia Martin", "False", "", "2026-02-27", "3", "5", "4", "0",
           "0", "OFFICE 365 E1", "30"]  # fmt: skip
    client.force_login(users["admin"])
    upload(client, b"\xef\xbb\xbf" + csv_bytes([row], header=header, sep=","), name="m365.csv", kind="adoption")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.ANALYSED and run.count_new == 1, run.error
    assert "Send Count" in run.options["ignored_columns"] and run.as_of == datetime.date(2026, 3, 1)


def test_a_file_with_no_adoption_fact_cannot_be_mapped_into_one_by_accident(client, users):
    client.force_login(users["admin"])
    header = ["Nom du participant", "Prénom du participant", "Adresse", "Nombre de pix total"]
    upload(client, csv_bytes([["Martin", "Nadia", "n.martin@paris.fr", "120"]], header=header), kind="adoption")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.MAPPING
    response = client.post(reverse("imports:run_map", args=[run.public_id]), choices(run))
    assert response.status_code == 200 and "ressemble à un export de campagne Pix Orga" in response.content.decode()
    assert not ToolAccount.objects.exists()


def test_mapping_twice_or_after_discarding_is_refused(client, users):
    client.force_login(users["admin"])
    upload(client, csv_bytes(sirh_rows(), header=SIRH))
    run = ImportRun.objects.get()
    client.post(reverse("imports:run_discard", args=[run.public_id]))
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and run.staged_data is None and "proposal" not in run.options
    response = client.post(reverse("imports:run_map", args=[run.public_id]), {"col_0": "matricule"})
    assert response.status_code == 302 and not Agent.objects.exists()


def test_headers_under_title_rows_and_merged_cells_in_the_raw_read():
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.merge_range("A1:D1", "Extraction SIRH")
    sheet.write_row(2, 0, ["Matricule", "Nom", "Prénom", "Direction"])
    sheet.write_row(3, 0, ["100001", "Durand", "Sandrine"])
    sheet.write_row(4, 0, ["100002", "Roux", "Paul"])
    sheet.merge_range("D4:D5", "DPE")
    workbook.close()
    raw = read_raw(kind=ImportKind.AGENTS, data=buffer.getvalue())
    assert raw.table.header_line == 3 and raw.table.frame["c3"].to_list() == ["DPE", "DPE"]


def test_excel_serial_dates_through_a_command(tmp_path):
    import xlsxwriter

    path = tmp_path / "rh.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Matricule", "Nom", "Prénom", "Direction", "Date d'entrée"])
    sheet.write_row(1, 0, ["100001", "Durand", "Sandrine", "DPE", 44197])
    sheet.write_row(2, 0, ["100002", "Roux", "Paul", "DPE", "pas une date"])
    workbook.close()
    run = import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.xlsx", data=path)
    assert run.status == ImportStatus.APPLIED and not run.rejected
    assert [w[:2] for w in run.warnings] == [[3, "Date d'entrée"]]  # an optional column: warned, left empty
    dates = dict(Agent.objects.values_list("matricule", "entry_date"))
    assert dates == {"100001": datetime.date(2021, 1, 1), "100002": None}


def test_a_zip_bomb_uploaded_through_the_page_is_refused_before_the_mapping_step(client, users):
    from tests.imports import bombs

    client.force_login(users["admin"])
    upload(client, bombs.zip_bomb(gigabytes=1), name="rh.xlsx")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and "bombe de décompression" in run.error and run.staged_data is None


def test_a_ten_megabyte_cell_is_named_by_its_header_after_the_mapping_step(client, users):
    client.force_login(users["admin"])
    rows = sirh_rows()
    rows[2][2] = "x" * (10 * 1024 * 1024 + 1)
    upload(client, csv_bytes(rows, header=SIRH))
    run = ImportRun.objects.get()
    client.post(reverse("imports:run_map", args=[run.public_id]), choices(run))
    run.refresh_from_db()
    ((line, column, value, reason),) = run.rejected
    assert (line, column) == (4, "Prenon") and "10 Mo" in reason and len(value) < 100
