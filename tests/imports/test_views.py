import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.agents.models import Agent
from relais.imports import services
from relais.imports.enums import ImportStatus
from relais.imports.models import ColumnAlias, ImportRun
from relais.imports.permissions import can_import
from tests.imports.helpers import csv_bytes, hr_row

pytestmark = pytest.mark.django_db


def upload(client, data, *, name="rh.csv", kind="agents", mode="partial", **extra):
    return client.post(
        reverse("imports:run_create"),
        {"kind": kind, "mode": mode, "file": SimpleUploadedFile(name, data), "tool": "messagerie", **extra},
    )


def test_only_administrators_may_import(client, users):
    assert can_import(users["admin"]) and not any(can_import(users[r]) for r in ("coordinator", "hr", "mediator"))
    client.force_login(users["hr"])
    assert client.get(reverse("imports:run_list")).status_code == 403
    assert upload(client, csv_bytes([hr_row("1")])).status_code == 403


def test_upload_shows_a_dry_run_then_applies(client, users):
    client.force_login(users["admin"])
    response = upload(client, csv_bytes([hr_row("100001", "Martin", "Nadia"), hr_row("100002")]))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run_detail", args=[run.public_id])
    assert run.status == ImportStatus.ANALYSED and run.count_new == 2 and not Agent.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ce qui changerait" in page and "Nadia Martin" in page and "Appliquer l'import" in page
    response = client.post(reverse("imports:run_apply", args=[run.public_id]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and run.staged_data is None and Agent.objects.count() == 2
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert "Ce qui a changé" in page and "Appliquer l'import" not in page
    assert "rh.csv" in client.get(reverse("imports:run_list")).content.decode()


def test_rejected_rows_block_apply_unless_asked_and_download_safely(client, users):
    client.force_login(users["admin"])
    upload(client, csv_bytes([hr_row("100001"), hr_row("100002", last='=HYPERLINK("http://x")', direction="")]))
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert "Lignes rejetées (1)" in page and "Direction manquante" in page
    client.post(reverse("imports:run_apply", args=[run.public_id]))
    assert not Agent.objects.exists()
    run.refresh_from_db()
    assert run.status == ImportStatus.ANALYSED

    csv_text = client.get(reverse("imports:run_rejections", args=[run.public_id, "csv"])).content.decode("utf-8-sig")
    assert "3;Direction;;Direction manquante" in csv_text
    xlsx = client.get(reverse("imports:run_rejections", args=[run.public_id, "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet["B1"].value == "Colonne" and sheet["C2"].data_type == "s"

    client.post(reverse("imports:run_apply", args=[run.public_id]), {"apply_valid_rows": "on"})
    assert list(Agent.objects.values_list("matricule", flat=True)) == ["100001"]


def test_formula_in_a_rejected_value_is_exported_as_text(client, users):
    client.force_login(users["admin"])
    upload(client, csv_bytes([hr_row("100001", entry="=1+1"), hr_row("100002", entry="@SUM(A1)")]))
    run = ImportRun.objects.get()
    csv_text = client.get(reverse("imports:run_rejections", args=[run.public_id, "csv"])).content.decode("utf-8-sig")
    assert ";'=1+1;" in csv_text and ";'@SUM(A1);" in csv_text  # (warnings: unreadable dates, lines kept)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("imports:run_rejections", args=[run.public_id, "xlsx"])).content)).active  # fmt: skip
    values = [sheet.cell(row=r, column=3) for r in (2, 3)]
    assert all(c.data_type == "s" and c.value.startswith("'") for c in values)


def test_bad_file_is_recorded_as_failed_with_its_reason(client, users):
    client.force_login(users["admin"])
    upload(client, b"%PDF-1.4\n...", name="rh.xlsx")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "PDF" in client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()


def test_form_errors_are_summarised(client, users):
    client.force_login(users["admin"])
    response = client.post(reverse("imports:run_create"), {"kind": "agents"})
    assert response.status_code == 200 and not ImportRun.objects.exists()
    assert 'role="alert"' in response.content.decode() and "Fichier" in response.content.decode()


def test_large_file_runs_in_background_with_progress(client, users, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    client.force_login(users["admin"])
    # ImmediateBackend: the task runs on commit, within the request; the state lives in the database.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload(client, csv_bytes([hr_row(str(100000 + i)) for i in range(5)]))
    assert len(callbacks) == 1
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.ANALYSED and run.count_new == 5
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run_apply", args=[run.public_id]))
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and Agent.objects.count() == 5
    response = client.get(reverse("imports:run_progress", args=[run.public_id]), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_progress_fragment_polls_while_running(client, users):
    client.force_login(users["admin"])
    run = ImportRun.objects.create(kind="agents", file_name="gros.csv", status=ImportStatus.APPLYING,
                                   rows_total=200_000, rows_processed=50_000, phase="Contrôle des lignes")  # fmt: skip
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert 'hx-trigger="every 1s"' in page and '<progress id="barre-avancement" max="100" value="25"' in page
    fragment = client.get(reverse("imports:run_progress", args=[run.public_id])).content.decode()
    assert "Contrôle des lignes" in fragment and "HX-Refresh" not in str(fragment)


def test_admin_alias_maps_an_unusual_header(client, users):
    ColumnAlias.objects.create(kind="agents", header="Code UA", target="direction")
    header = ["Matricule", "Nom", "Prénom", "CODE  UA"]
    run = services.import_file(acting_user=None, kind="agents", file_name="x.csv",
                               data=csv_bytes([["100001", "Durand", "Ana", "DPE"]], header=header))  # fmt: skip
    assert run.status == ImportStatus.APPLIED, run.error
    assert Agent.objects.get().direction.code == "DPE"
    client.force_login(users["admin"])
    assert client.get(reverse("admin:imports_columnalias_changelist")).status_code == 200
    assert client.get(reverse("admin:imports_importrun_changelist")).status_code == 200


def test_history_page_runs_few_queries(client, users, django_assert_max_num_queries):
    for i in range(30):
        ImportRun.objects.create(kind="agents", file_name=f"rh-{i}.csv", created_by=users["admin"],
                                 rejected=[[2, "Nom", "x", "y"]] * 100)  # fmt: skip
    client.force_login(users["admin"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("imports:run_list"))
    assert response.content.decode().count("rh-") == 30
