"""The mediators' path: the team's growth drives the forecast and the plan; pages for the coordination."""

import datetime
import re
from html import unescape

import pytest

from relais.accounts.enums import Role
from relais.fieldwork.enums import VisitOrigin
from relais.fieldwork.services import visit_create
from relais.journal.models import Entry
from relais.planning import forecast
from relais.planning.models import MediatorProfile
from relais.planning.selectors import week_mediator_days
from relais.team.enums import RecruitStatus
from relais.team.models import HeadcountTarget, OnboardingModule, Recruit
from relais.team.services import team_growth
from tests.factories import SiteFactory, UserFactory

TODAY = datetime.date(2026, 11, 30)  # a Monday


@pytest.fixture
def team(users):
    """Two mediators in post (one from `users`), a third onboarding for 2 weeks, one joining in 4 weeks."""
    veteran = users[Role.MEDIATOR]
    second = UserFactory(username="mediation2", role=Role.MEDIATOR)
    newcomer = UserFactory(username="nouvelle", role=Role.MEDIATOR, first_name="Awa", last_name="Diallo")
    onboarding = Recruit.objects.create(
        first_name="Awa", last_name="Diallo", status=RecruitStatus.ONBOARDING,
        starts_on=TODAY - datetime.timedelta(weeks=2), user=newcomer, mentor=veteran,
    )  # fmt: skip
    joining = Recruit.objects.create(
        first_name="Karim",
        last_name="Benali",
        status=RecruitStatus.ACCEPTED,
        starts_on=TODAY + datetime.timedelta(weeks=4),
    )
    Recruit.objects.create(first_name="Luc", last_name="Martin", status=RecruitStatus.DECLINED)
    Recruit.objects.create(first_name="Inès", last_name="Roux", status=RecruitStatus.INTERVIEW)
    return {"veteran": veteran, "second": second, "newcomer": newcomer, "onboarding": onboarding, "joining": joining}


def test_growth_counts_newcomers_half_while_onboarding_and_from_their_start(team):
    weeks = team_growth(start=TODAY, weeks=13)
    by_week = {w: (weeks[w].headcount, weeks[w].capacity) for w in (0, 3, 4, 6, 11, 12)}
    assert by_week[0] == (3, 2.5)  # two in post, Awa half time
    assert by_week[3] == (3, 2.5)
    assert by_week[4] == (4, 3.0)  # Karim starts, half time
    assert by_week[6] == (4, 3.5)  # Awa's eight weeks are over
    assert by_week[11] == (4, 3.5)  # Karim still half time
    assert by_week[12] == (4, 4.0)


def test_forecast_with_growth_matches_the_sum_by_hand():
    pop = forecast.Population(total=1000, activated=900)
    # 100 missing at 10 activations per FTE-week: 2 + 3 + 4 + 4 … → 20, 50, 90, 130: week 4.
    date = forecast.target_date_with_growth(
        population=pop, target_share=1.0, capacities=[2, 3, 4], pace=10, start=TODAY
    )
    assert date == TODAY + datetime.timedelta(weeks=4)
    assert (
        forecast.target_date_with_growth(population=pop, target_share=1.0, capacities=[0], pace=10, start=TODAY) is None
    )
    assert (
        forecast.target_date_with_growth(population=pop, target_share=0.5, capacities=[], pace=10, start=TODAY) == TODAY
    )


def test_plan_gives_onboarding_mediators_mornings_and_future_ones_nothing(team):
    for user in (team["veteran"], team["newcomer"]):
        MediatorProfile.objects.create(user=user)
    later = UserFactory(username="bientot", role=Role.MEDIATOR)
    MediatorProfile.objects.create(user=later)
    team["joining"].user = later
    team["joining"].save()
    days, _ = week_mediator_days(TODAY, [team["veteran"], team["newcomer"], later])
    hours = {(d.mediator, d.day): d.available for d in days}
    assert hours[(str(team["veteran"].pk), 0)] == (480, 990)  # 8:00–16:30
    assert hours[(str(team["newcomer"].pk), 0)] == (480, 735)  # half of it, in the morning
    assert not any(m == str(later.pk) for m, _ in hours)  # starts in four weeks


def test_team_page_tells_the_gap_to_the_target(client, users, team):
    HeadcountTarget.objects.create(headcount=19, by_date=datetime.date.today() + datetime.timedelta(days=200))
    client.force_login(users[Role.COORDINATOR])
    page = " ".join(re.sub(r"<[^>]+>", "", unescape(client.get("/equipe/").content.decode())).split())
    assert "Aujourd'hui : 3 médiateurs" in page
    assert "il manque 15 recrutements" in page  # 19 − (2 in post + Awa + Karim)
    assert "Inès Roux" in page and "Entretien prévu" in page


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.HR, Role.HELPDESK])
def test_only_the_coordination_follows_the_team(client, users, team, role):
    client.force_login(users[role])
    assert client.get("/equipe/").status_code == 403
    assert client.get(f"/equipe/recrutements/{team['joining'].public_id}/").status_code == 403
    assert client.post("/equipe/recrutements/nouveau/", {"first_name": "X", "last_name": "Y"}).status_code == 403


def test_recruit_joining_needs_a_start_date_and_changes_are_journaled(client, users, team):
    client.force_login(users[Role.COORDINATOR])
    data = {"first_name": "Zoé", "last_name": "Petit", "origin": "retraining", "status": "onboarding"}
    page = unescape(client.post("/equipe/recrutements/nouveau/", data).content.decode())
    assert "Date de prise de poste manquante" in page
    assert not Recruit.objects.filter(last_name="Petit").exists()
    data["starts_on"] = "2027-01-04"
    response = client.post("/equipe/recrutements/nouveau/", data)
    recruit = Recruit.objects.get(last_name="Petit")
    assert response.status_code == 302 and recruit.starts_on == datetime.date(2027, 1, 4)
    entry = Entry.objects.for_object(recruit).get()
    assert entry.action == "team.recruit_create" and entry.acting_user == users[Role.COORDINATOR]


def test_modules_and_shadowing_visits_are_recorded(client, users, team):
    client.force_login(users[Role.COORDINATOR])
    awa = team["onboarding"]
    module = OnboardingModule.objects.filter(is_active=True).first()  # the default path (data migration)
    assert module is not None
    client.post(f"/equipe/recrutements/{awa.public_id}/modules/{module.pk}/")
    client.post(f"/equipe/recrutements/{awa.public_id}/modules/{module.pk}/")  # twice: still once
    assert awa.completions.count() == 1
    site = SiteFactory()
    mentors = visit_create(acting_user=team["veteran"], site=site, date=TODAY, mediators=[team["veteran"]],
                           origin=VisitOrigin.SPONTANEOUS).obj  # fmt: skip
    other = visit_create(acting_user=team["second"], site=site, date=TODAY, mediators=[team["second"]],
                         origin=VisitOrigin.SPONTANEOUS).obj  # fmt: skip
    client.post(f"/equipe/recrutements/{awa.public_id}/binome/", {"visit": str(other.public_id)})
    assert not awa.shadowings.exists()  # not a visit of Awa's mentor
    client.post(f"/equipe/recrutements/{awa.public_id}/binome/", {"visit": str(mentors.public_id), "note": "Dépôt"})
    assert list(awa.shadowings.values_list("visit", flat=True)) == [mentors.pk]
    page = unescape(client.get(f"/equipe/recrutements/{awa.public_id}/").content.decode())
    assert site.name in page and "fait le" in page
    actions = set(Entry.objects.for_object(awa).values_list("action", flat=True))
    assert {"team.onboarding_complete", "team.shadowing_record"} <= actions


def test_forecast_page_follows_the_recruitment(client, users, team, monkeypatch):
    monkeypatch.setattr(forecast, "current_pace", lambda **kw: forecast.Pace(per_mediator_week=5.0, source="plan",
                                                                             explanation=""))  # fmt: skip
    client.force_login(users[Role.COORDINATOR])
    page = unescape(client.get("/planification/prevision/", {"target": 80, "mediators": 19,
                                                              "deadline": "2027-12-31"}).content.decode())  # fmt: skip
    assert "Selon les recrutements prévus" in page


@pytest.mark.django_db
def test_demo_team_grows_toward_nineteen():
    from relais.demo.services import demo_load

    demo_load(agents=1500, seed=2, as_of=TODAY)
    target = HeadcountTarget.objects.get()
    assert target.headcount == 19 and target.by_date == datetime.date(2027, 9, 1)
    statuses = set(Recruit.objects.values_list("status", flat=True))
    assert {RecruitStatus.ONBOARDING, RecruitStatus.ACCEPTED, RecruitStatus.INTERVIEW} <= statuses
    weeks = team_growth(start=TODAY, weeks=20)
    assert weeks[0].headcount == 11 and weeks[-1].headcount == 13  # 10 in post, then three newcomers
    assert all(r.agent_id for r in Recruit.objects.all())  # from the retraining pool: agents of the employer


def test_a_recruit_from_the_retraining_pool_shows_their_pix_results(client, users):
    from django.utils import timezone

    from relais.skills.enums import CampaignKind
    from relais.skills.models import PixCampaign, PixParticipation
    from tests.factories import AgentFactory

    agent = AgentFactory()
    campaign = PixCampaign.objects.create(pix_id=4242, name="Recrutement médiateurs 2026", kind=CampaignKind.PROFILES)
    PixParticipation.objects.create(campaign=campaign, agent=agent, person_key="m:1", is_shared=True,
                                    shared_at=timezone.now(), pix_total=312)  # fmt: skip
    recruit = Recruit.objects.create(first_name=agent.first_name, last_name=agent.last_name, agent=agent)
    client.force_login(users[Role.COORDINATOR])
    page = unescape(client.get(f"/equipe/recrutements/{recruit.public_id}/").content.decode())
    assert "Recrutement médiateurs 2026" in page and "312 pix" in page
