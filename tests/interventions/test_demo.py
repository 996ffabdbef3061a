"""The intervention requests of the demo: a dozen, several directions, every state, served by real visits."""

import datetime

import pytest
from django.core.management import call_command

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.demo.services import demo_load
from relais.fieldwork.enums import VisitStatus
from relais.interventions import selectors
from relais.interventions.enums import RequestStatus
from relais.interventions.models import InterventionRequest
from relais.journal.models import Entry
from tests.demo.test_demo_data import _Sink

AS_OF = datetime.date(2026, 6, 15)


@pytest.mark.django_db
def test_demo_requests_are_consistent():
    demo_load(agents=3000, seed=3, as_of=AS_OF)
    # The demo's HR data-reliability request (relais/findings/demo.py) is made by its own service and tested there.
    requests = InterventionRequest.objects.exclude(title__startswith="Fiabilité des données RH")
    assert requests.count() == 12
    assert requests.values("direction").distinct().count() >= 6
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    coordination = User.objects.get(username="coordination")
    assert coordination.role == Role.COORDINATOR and not coordination.has_usable_password()
    for req in requests:
        assert req.created_at.date() <= AS_OF
        for site in req.sites.all():
            assert site.direction_id == req.direction_id
        for agent in req.agents.all():
            assert agent.direction_id == req.direction_id and agent.job_title == "Gestionnaire RH"
        visits = list(req.visits.all())
        for visit in visits:
            assert visit.site.direction_id == req.direction_id and visit.date >= req.created_at.date()
        if req.status in (RequestStatus.DONE, RequestStatus.ASSESSED):
            assert req.done_on and req.done_on <= AS_OF
            assert all(v.status == VisitStatus.DONE for v in visits)
        if req.status == RequestStatus.SCHEDULED:
            assert visits and all(v.status == VisitStatus.PLANNED for v in visits)
        if req.status == RequestStatus.ASSESSED:
            assert 1 <= req.rating <= 5 and req.assessed_at.date() <= AS_OF
        if req.status == RequestStatus.DECLINED:
            assert req.decision_reason
    # Done requests served by visits measure "before" on the eve of the first one.
    served = requests.filter(status=RequestStatus.ASSESSED, visits__isnull=False).distinct().first()
    assert served is not None
    assert selectors.before_after(served)[0].rows[0].label.startswith("Veille de la première visite")
    assert requests.filter(agents__isnull=False).exists()
    assert Entry.objects.filter(action="demo.interventions").count() == 1


@pytest.mark.django_db
def test_demo_accounts_take_over_the_coordination_account(monkeypatch, tmp_path):
    monkeypatch.setenv("RELAIS_DEMO_PASSWORD", "mot-de-passe-demo-42")
    demo_load(agents=300, seed=1, as_of=AS_OF)
    call_command("demo_accounts", password_file=tmp_path / "p.txt", stdout=_Sink())
    coordination = User.objects.get(username="coordination")
    assert coordination.check_password("mot-de-passe-demo-42")
    assert InterventionRequest.objects.filter(requested_by=coordination).exists()
    assert InterventionRequest.objects.visible_to(User.objects.get(username="rh")).exists()
