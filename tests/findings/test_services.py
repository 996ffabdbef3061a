"""Findings move from extract to extract: open, kept, closed with the date, justified, reopened; into requests."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from relais.accounts.enums import Role
from relais.findings.enums import ExtractKind, FindingStatus
from relais.findings.models import Extract, Finding, InterventionFindings
from relais.findings.selectors import direction_summary, request_assessment
from relais.findings.services import extract_create, extract_record, finding_justify, findings_request_intervention
from relais.journal.models import Entry
from tests.factories import AgentFactory
from tests.findings.helpers import GOOD, TODAY, run

pytestmark = pytest.mark.django_db


def _record(rows, as_of, *, full=True):
    findings = run(rows)
    extract = extract_create(acting_user=None, kind=ExtractKind.HR_QUALITY, source_name="sirh.csv", as_of=as_of,
                             findings=findings, rows=len(rows), full=full,
                             matricules=[r["Matricule"] for r in rows])  # fmt: skip
    return extract_record(acting_user=None, extract=extract)


def test_findings_open_stay_and_close_from_extract_to_extract(dpe):
    AgentFactory(matricule="100200", direction=dpe)
    first = _record([{**GOOD, "Code postal": "7501", "Grade": ""}], datetime.date(2026, 10, 1))
    assert first.opened == 2
    finding = Finding.objects.get(rule="VAL-CP")
    assert finding.direction == dpe and finding.hr_manager.label == "MARTIN Sophie"
    assert finding.column == "Code postal" and finding.status == FindingStatus.OPEN
    second = _record([{**GOOD, "Grade": ""}], datetime.date(2026, 11, 1))
    assert (second.opened, second.closed) == (0, 1)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_at == datetime.date(2026, 11, 1)
    assert Finding.objects.get(rule="COMP-GRADE").status == FindingStatus.OPEN
    # Seen again later: reopened.
    _record([{**GOOD, "Code postal": "7501", "Grade": ""}], datetime.date(2026, 12, 1))
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.closed_at is None
    assert Entry.objects.filter(action="findings.extract_record").count() == 3


def test_a_partial_extract_closes_only_the_files_it_holds(dpe):
    _record([{**GOOD, "Code postal": "7501"}, {**GOOD, "Matricule": "100300", "Prénom": "Lea", "NIR": "",
                                               "Code postal": "7501"}], datetime.date(2026, 10, 1))  # fmt: skip
    _record([GOOD], datetime.date(2026, 11, 1), full=False)
    assert dict(Finding.objects.filter(rule="VAL-CP").values_list("matricule", "status")) == {
        "100200": FindingStatus.CLOSED, "100300": FindingStatus.OPEN}  # fmt: skip


def test_a_justified_finding_stays_justified(dpe, users):
    _record([{**GOOD, "Code postal": "7501"}], datetime.date(2026, 10, 1))
    finding = Finding.objects.get(rule="VAL-CP")
    with pytest.raises(ValidationError):
        finding_justify(acting_user=users[Role.COORDINATOR], finding=finding, reason=" ")
    finding_justify(acting_user=users[Role.COORDINATOR], finding=finding, reason="Adresse à l'étranger")
    _record([{**GOOD, "Code postal": "7501"}], datetime.date(2026, 11, 1))
    _record([GOOD], datetime.date(2026, 12, 1))
    finding.refresh_from_db()
    assert finding.status == FindingStatus.JUSTIFIED and finding.justified_by == users[Role.COORDINATOR]
    assert Entry.objects.filter(action="findings.justify").count() == 1


def test_one_click_turns_the_top_managers_into_a_request_whose_assessment_shows_before_and_after(dpe, users):
    rows = []
    for n, (manager, faults) in enumerate(
        [("MARTIN Sophie", 3), ("DUPONT Luc", 2), ("NGUYEN Anh", 1), ("ROUX Eva", 1)]
    ):
        for k in range(faults):
            rows.append({**GOOD, "Matricule": f"2{n}{k:03}", "Prénom": f"P{n}{k}", "NIR": "",
                         "Gestionnaire RH": manager,
                         "Code postal": "7501"})  # fmt: skip
    _record(rows, datetime.date(2026, 10, 1))
    request = findings_request_intervention(acting_user=users[Role.HR], direction=dpe)
    record = InterventionFindings.objects.get(request=request)
    assert record.total_before == 12 and record.managers.count() == 3
    assert "MARTIN Sophie (6 constats)" in request.population_note
    fixed = [r for r in rows if r["Gestionnaire RH"] != "MARTIN Sophie"] + [
        {**r, "Code postal": "75011"} for r in rows if r["Gestionnaire RH"] == "MARTIN Sophie"
    ]
    _record(fixed, datetime.date(2026, 11, 15))
    assessment = request_assessment(user=users[Role.HR], request=request)
    assert (assessment["before"], assessment["now"]) == (12, 9)
    summary = direction_summary(user=users[Role.HR], direction=dpe)
    assert summary["trend"] == [(datetime.date(2026, 10, 1), 14), (datetime.date(2026, 11, 15), 11)]


def test_dry_run_extract_moves_nothing(dpe):
    extract_create(acting_user=None, kind=ExtractKind.IMPORT, source_name="x.csv", as_of=TODAY,
                   findings=run([{**GOOD, "Code postal": "7501"}]), rows=1)  # fmt: skip
    assert Finding.objects.count() == 0 and Extract.objects.get().recorded_at is None
