"""An intervention request in a real Chromium: the coordination links a planned visit, the HR correspondent
follows it; axe-core on the request pages."""

import datetime

import pytest
from django.utils import timezone

from relais.accounts.enums import Role
from relais.interventions import services
from relais.interventions.enums import RequestStatus
from relais.interventions.models import InterventionRequest
from tests.browser.plugin import DESKTOP, PHONE
from tests.factories import DirectionFactory, SiteFactory, UserFactory
from tests.fieldwork.factories import VisitFactory
from tests.helpdesk.factories import topic
from tests.helpdesk.test_browser import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_coordination_links_a_visit_and_hr_follows_it(seeded, live_server, open_page):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    site = SiteFactory(name="Dépôt Nord", direction=dpe)
    hr = UserFactory(username="rh", role=Role.HR)
    hr.directions.set([dpe])
    UserFactory(username="coordination", role=Role.COORDINATOR)
    req = services.intervention_submit(
        acting_user=hr,
        direction=dpe,
        title="Messagerie du dépôt",
        goal="Activer les messageries",
        topics=[topic("messagerie")],
        sites=[site],
    )
    VisitFactory(site=site, date=timezone.localdate() + datetime.timedelta(days=3))
    page = open_page(DESKTOP)
    log_in(page, live_server.url, "coordination")
    page.goto(f"{live_server.url}/interventions/{req.public_id}/")
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_load_state()
    assert_accessible(page, "demande acceptée, formulaire de programmation")
    page.get_by_label("Dépôt Nord (prévu)").check()
    page.get_by_role("button", name="Enregistrer la programmation").click()
    page.wait_for_load_state()
    req = InterventionRequest.objects.get(pk=req.pk)
    assert req.status == RequestStatus.SCHEDULED and req.visits.count() == 1
    phone = open_page(PHONE)
    log_in(phone, live_server.url, "rh")
    phone.goto(f"{live_server.url}/interventions/{req.public_id}/")
    assert phone.get_by_role("cell", name="Dépôt Nord").is_visible()
    assert_accessible(phone, "demande programmée, vue du correspondant RH")
    assert page.problems == [] and phone.problems == []
