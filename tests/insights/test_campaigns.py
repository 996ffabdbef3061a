"""Campaign progress, projection and what-if, counted by hand."""

import datetime

import pytest

from relais.accounts.enums import Role
from relais.insights.adoption import TrendPoint
from relais.insights.campaigns import WEEKS, CampaignProgress, campaign_progress
from relais.insights.services import campaign_create
from relais.planning.forecast import Pace
from tests.factories import AgentFactory, ToolAccountFactory, mailbox

D = datetime.date
TODAY = D(2026, 11, 28)


def progress(*, before: int, now: int, agents: int = 10, in_session: float = 0.0, pace=None, campaign=None):
    weekly = [TrendPoint(TODAY - datetime.timedelta(weeks=WEEKS), agents, agents, before)]
    weekly += [TrendPoint(TODAY, agents, agents, now)]
    return CampaignProgress(
        campaign=campaign,
        day=TODAY,
        weekly=weekly,
        gain_per_week=(now - before) / WEEKS,
        in_session_per_week=in_session,
        pace=pace,
        mediators_now=2,
    )


@pytest.fixture
def campaign(users, db):
    from django.db import transaction

    with transaction.atomic():
        return campaign_create(
            acting_user=users[Role.COORDINATOR],
            name="Élections",
            tool=mailbox(),
            target_share=0.8,
            deadline=D(2027, 2, 1),
        )


def test_projection_at_the_current_pace(campaign):
    """10 agents, 4 activated 8 weeks ago, 6 today: +0.25 a week; target ⌈0.8 × 10⌉ = 8, 2 missing → 56 days."""
    p = progress(before=4, now=6, campaign=campaign)
    assert (p.agents, p.activated, p.target_count, p.missing) == (10, 6, 8, 2)
    assert p.projected_date == TODAY + datetime.timedelta(days=56)
    assert p.on_track  # 23 Jan 2027 before 1 Feb 2027
    assert progress(before=6, now=6, campaign=campaign).projected_date is None


def test_what_if_uses_the_forecast(campaign):
    """Mediators bring 1 activation a week each; organic = 0.25 − 0.125 in session = 0.125 a week.
    With 1 mediator: 2 missing / 1.125 a week → 2 weeks. Needed by 1 Feb 2027 (9 weeks): 1."""
    p = progress(before=4, now=6, in_session=0.125, pace=Pace(1.0, "observed", ""), campaign=campaign)
    assert p.organic_per_week == pytest.approx(0.125)
    assert p.date_with(1) == TODAY + datetime.timedelta(weeks=2)
    assert p.mediators_needed() == 1
    assert progress(before=4, now=6, campaign=campaign).date_with(3) is None  # no pace known


def test_progress_from_the_database(campaign, users, dpe):
    """3 agents: one activated long ago, one 3 weeks ago, one never → 2 of 3 today, 1 of 3 eight weeks ago."""
    today = datetime.date.today()
    for activated in (D(2020, 1, 1), today - datetime.timedelta(weeks=3), None):
        ToolAccountFactory(agent=AgentFactory(direction=dpe), provisioned_on=D(2020, 1, 1), activated_on=activated)
    p = campaign_progress(user=users[Role.COORDINATOR], campaign=campaign)
    assert (p.agents, p.activated, p.missing) == (3, 2, 1)
    assert p.weekly[0].activated == 1
    assert p.gain_per_week == pytest.approx(1 / WEEKS)
