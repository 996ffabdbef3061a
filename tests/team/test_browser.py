"""The coordinator follows a recruit from the team page in a real Chromium; axe finds no violation."""

import datetime
import os

import pytest

from relais.accounts.enums import Role
from relais.team.enums import RecruitStatus
from relais.team.models import HeadcountTarget, OnboardingModule, Recruit
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP
from tests.factories import UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def test_coordinator_follows_the_team_growth_and_a_recruit(seeded, live_server, open_page):
    UserFactory(username="coordination", role=Role.COORDINATOR)
    mentor = UserFactory(username="mediation", role=Role.MEDIATOR)
    HeadcountTarget.objects.create(headcount=19, by_date=datetime.date.today() + datetime.timedelta(days=270))
    OnboardingModule.objects.create(title="Messagerie professionnelle", position=1)
    recruit = Recruit.objects.create(
        first_name="Awa", last_name="Diallo", status=RecruitStatus.ONBOARDING,
        starts_on=datetime.date.today() - datetime.timedelta(days=7), mentor=mentor,
    )  # fmt: skip
    page = open_page(DESKTOP)
    log_in(page, live_server.url, "coordination")
    page.get_by_role("link", name="Équipe").click()
    page.wait_for_selector("#growth-title")
    assert "il manque 17 recrutements" in page.content()  # 19 − (1 in post + Awa)
    assert_accessible(page, "équipe")
    page.get_by_role("link", name="Awa Diallo").click()
    page.get_by_role("button", name="Noter comme fait : Messagerie professionnelle", exact=True).click()
    page.wait_for_selector(".message-success")
    assert recruit.completions.count() == 1
    assert_accessible(page, "fiche d'un recrutement")
    page.get_by_role("link", name="Équipe de médiation").click()
    page.get_by_role("link", name="Nouvelle candidature").click()
    page.get_by_label("Prénom").fill("Karim")
    page.get_by_label("Nom", exact=True).fill("Benali")
    page.get_by_label("Étape").select_option("onboarding")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Date de prise de poste manquante" in page.content()
    assert_accessible(page, "candidature refusée")
    assert_no_problems(page)
