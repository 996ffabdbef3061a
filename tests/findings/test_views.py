"""The pages: what each reader sees (HR correspondent: their directions only), export, justify, one-click request."""

import datetime

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.findings.enums import ExtractKind, FindingStatus
from relais.findings.models import Finding
from relais.findings.services import extract_create, extract_record
from relais.interventions.models import InterventionRequest
from tests.findings.helpers import GOOD, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(dpe, dfpe):
    rows = [{**GOOD, "Code postal": "7501", "Grade": ""},
            {**GOOD, "Matricule": "300001", "Prénom": "Zephyrine", "Nom": "Horsperimetre", "NIR": "",
             "Direction": "DFPE", "Gestionnaire RH": "LEROY Anne", "Code postal": "7501"}]  # fmt: skip
    extract = extract_create(acting_user=None, kind=ExtractKind.HR_QUALITY, source_name="sirh.csv",
                             as_of=datetime.date(2026, 11, 1), findings=run(rows), rows=2)  # fmt: skip
    extract_record(acting_user=None, extract=extract)
    return Finding.objects.all()


def test_the_hr_correspondent_sees_their_directions_only(client, users, findings, dpe, dfpe):
    client.force_login(users[Role.HR])
    page = client.get(reverse("findings:overview")).content.decode()
    assert "DPE" in page and "DFPE" not in page and "LEROY" not in page
    assert client.get(reverse("findings:direction_detail", args=[dfpe.public_id])).status_code == 404
    leroy = Finding.objects.filter(direction=dfpe).first().hr_manager
    assert client.get(reverse("findings:manager_detail", args=[leroy.public_id])).status_code == 404
    foreign = Finding.objects.filter(direction=dfpe).first()
    response = client.post(reverse("findings:finding_justify", args=[foreign.public_id]), {"reason": "x"})
    assert response.status_code == 404


def test_direction_page_counts_by_family_and_trend(client, users, findings, dpe, django_assert_max_num_queries):
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("findings:direction_detail", args=[dpe.public_id]))
    page = response.content.decode()
    assert "<strong>2</strong> constats ouverts" in page
    assert "MARTIN Sophie" in page and "01/11/2026" in page


def test_manager_list_exports_and_justify(client, users, findings):
    client.force_login(users[Role.HR])
    finding = Finding.objects.get(rule="VAL-CP", matricule="100200")
    manager = finding.hr_manager
    page = client.get(reverse("findings:manager_detail", args=[manager.public_id])).content.decode()
    assert "Ligne 2, colonne « Code postal »" in page
    csv = client.get(reverse("findings:manager_export", args=[manager.public_id, "csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Matricule;Ligne;Colonne;Règle")
    assert "VAL-CP" in csv and "COMP-GRADE" in csv
    xlsx = client.get(reverse("findings:manager_export", args=[manager.public_id, "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    refused = client.post(reverse("findings:finding_justify", args=[finding.public_id]),
                          {"reason": "NIR 1 80 05 75 056 048 20"}, follow=True)  # fmt: skip
    assert "que Relais ne conserve pas" in refused.content.decode()
    client.post(reverse("findings:finding_justify", args=[finding.public_id]), {"reason": "Adresse à l'étranger"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.JUSTIFIED


def test_one_click_request_from_the_direction_page(client, users, findings, dpe):
    client.force_login(users[Role.HR])
    response = client.post(reverse("findings:direction_request", args=[dpe.public_id]), follow=True)
    request = InterventionRequest.objects.get()
    assert request.direction == dpe and "MARTIN Sophie" in request.population_note
    assert "<strong>2</strong> constats ouverts alors" in response.content.decode()


def test_who_may_open_the_pages(client, users, findings):
    for role, status in ((Role.MEDIATOR, 403), (Role.HELPDESK, 403), (Role.ADMIN, 200)):
        client.force_login(users[role])
        assert client.get(reverse("findings:overview")).status_code == status


def test_the_request_page_shows_the_findings_before_and_after(client, users, findings, dpe):
    client.force_login(users[Role.HR])
    client.post(reverse("findings:direction_request", args=[dpe.public_id]))
    request = InterventionRequest.objects.get()
    page = client.get(reverse("interventions:request_detail", args=[request.public_id])).content.decode()
    assert (
        "2 constats ouverts à la demande, 2 aujourd&#x27;hui" in page
        or "2 constats ouverts à la demande, 2 aujourd'hui" in page
    )


def test_an_administrator_switches_a_rule_off_in_the_admin_and_it_is_journaled(client, users):
    from relais.findings.models import RuleSetting
    from relais.journal.models import Entry

    client.force_login(users[Role.ADMIN])
    response = client.post(reverse("admin:findings_rulesetting_add"), {"code": "VAL-TEL", "severity": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    setting = RuleSetting.objects.get()
    assert (setting.code, setting.enabled) == ("VAL-TEL", False)
    assert Entry.objects.get(action="findings.rule_setting").payload["regle"] == "VAL-TEL"
    page = client.get(reverse("admin:findings_grade_changelist"), {"q": "adjoint technique principal"}).content.decode()
    assert "Adjoint technique principal de 2e classe" in page
