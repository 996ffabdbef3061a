"""The demo's two extracts tell the story: a few percent of files faulty, concentrated on some HR managers, and
DPE's accompanied HR managers improving after the intervention request made from their findings."""

import pytest

from relais.findings.models import Extract, Finding, InterventionFindings
from relais.findings.selectors import direction_summary, request_assessment
from relais.organisation.models import Direction
from tests.demo.test_demo_data import load

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_findings_fall_in_dpe_after_its_intervention(seeded, users):
    load(agents=3000)
    assert Extract.objects.filter(recorded_at__isnull=False).count() == 2
    lines = Finding.objects.values("matricule").distinct().count()
    assert 0.01 < lines / 3000 < 0.2
    dpe = Direction.objects.get(code="DPE")
    record = InterventionFindings.objects.get(direction=dpe)
    assessment = request_assessment(user=users["admin"], request=record.request)
    assert assessment["now"] < assessment["before"] / 2
    trend = direction_summary(user=users["admin"], direction=dpe)["trend"]
    assert len(trend) == 2 and trend[1][1] < trend[0][1]
    dfpe = direction_summary(user=users["admin"], direction=Direction.objects.get(code="DFPE"))["trend"]
    assert dfpe[1][1] >= dfpe[0][1] * 0.8
