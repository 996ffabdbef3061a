"""The coordinator opens the dashboards and a campaign in a real Chromium, on a phone and a desktop: axe finds
no violation, the browser reports no CSP violation or script error."""

import datetime

import pytest

from relais.accounts.enums import Role
from relais.adoption.models import Tool
from relais.fieldwork.enums import VisitStatus
from relais.insights.services import campaign_create
from relais.organisation.enums import SiteKind
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP, PHONE
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, ToolAccountFactory, UserFactory
from tests.fieldwork.factories import ActivityFactory, ParticipationFactory, VisitFactory

pytestmark = pytest.mark.browser
D = datetime.date


@pytest.fixture
def city(seeded, live_server):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    dfpe = DirectionFactory(code="DFPE", name="Familles et petite enfance")
    coordinator = UserFactory(username="coordination", role=Role.COORDINATOR)
    mediator = UserFactory(username="mediation", role=Role.MEDIATOR)
    mailbox = Tool.objects.get(code="messagerie")
    sites = [
        SiteFactory(name="Dépôt Nord", kind=SiteKind.DEPOT_PROPRETE, direction=dpe, latitude=48.89, longitude=2.35),
        SiteFactory(name="Dépôt Sud", kind=SiteKind.DEPOT_PROPRETE, direction=dpe, latitude=48.82, longitude=2.33),
        SiteFactory(name="Crèche Soleil", kind=SiteKind.CRECHE, direction=dfpe, latitude=48.85, longitude=2.40),
    ]
    visit = VisitFactory(site=sites[0], date=D(2026, 6, 1), status=VisitStatus.DONE, mediators=[mediator])
    activity = ActivityFactory(visit=visit)
    for i in range(36):
        site = sites[i % 3]
        agent = AgentFactory(direction=site.direction, site=site)
        activated = D(2026, 6, 1) if i % 3 == 0 else (D(2026, 3, 1) if i % 4 == 0 else None)
        ToolAccountFactory(agent=agent, tool=mailbox, provisioned_on=D(2025, 1, 1), activated_on=activated)
        if i % 3 == 0 and i < 18:
            ParticipationFactory(activity=activity, agent=agent, mailbox_activated=True)
    from django.db import transaction

    with transaction.atomic():
        campaign = campaign_create(
            acting_user=coordinator,
            name="Élections professionnelles",
            purpose="80 % des agents DPE et DFPE avec une messagerie activée au 1er décembre",
            tool=mailbox,
            target_share=0.8,
            deadline=D(2026, 12, 1),
            directions=[dpe, dfpe],
        )
    return live_server.url, campaign


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coordinator_reads_the_dashboards_and_a_campaign(city, open_page, viewport):
    base, campaign = city
    page = open_page(viewport)
    log_in(page, base, "coordination")
    assert page.get_by_test_id("headline").is_visible()
    assert_accessible(page, "accueil coordination")
    for path, heading in [
        ("/indicateurs/adoption/", "Adoption des outils numériques"),
        ("/indicateurs/adoption/?direction=DPE&categorie=C&jour=2026-06-15", "Adoption des outils numériques"),
        ("/indicateurs/effet/", "La médiation fait-elle activer les comptes ?"),
        ("/indicateurs/activite/?debut=2026-01-01&fin=2026-11-28", "Activité des médiateurs"),
        ("/indicateurs/campagnes/", "Campagnes"),
        (f"/indicateurs/campagnes/{campaign.public_id}/?mediateurs=4", "Élections professionnelles"),
        (f"/indicateurs/campagnes/{campaign.public_id}/modifier/", "Modifier « Élections professionnelles »"),
        ("/indicateurs/rapport/", "Rapport mensuel"),
    ]:
        page.goto(f"{base}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert_accessible(page, path)
    assert_no_problems(page)


def test_charts_print_with_their_tables(city, open_page):
    base, _campaign = city
    page = open_page(DESKTOP)
    log_in(page, base, "coordination")
    page.goto(f"{base}/indicateurs/adoption/")
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert page.locator("#carte svg").is_visible() and page.locator("#carte table").is_visible()
    assert_no_problems(page)
