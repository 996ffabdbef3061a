"""The impact estimate on a small city counted by hand (strata, days, walk-ins, departures, repeats)."""

import datetime

import pytest

from relais.accounts.enums import Role
from relais.fieldwork.enums import VisitStatus
from relais.insights.impact import impact
from relais.insights.stats import wilson
from relais.organisation.enums import SiteKind
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory, mailbox
from tests.fieldwork.factories import ActivityFactory, ParticipationFactory, VisitFactory

D = datetime.date
JAN = D(2025, 1, 1)


@pytest.fixture
def field(dpe, dfpe):
    """Strata S1 = (DPE, C, depot), S2 = (DFPE, C, crèche), S3 = (DPE, B, depot): see test docstrings."""
    depot = SiteFactory(name="Dépôt", kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    creche = SiteFactory(name="Crèche", kind=SiteKind.CRECHE, direction=dfpe)

    def agent(name, direction, site, category="C", **kw):
        return AgentFactory(last_name=name, direction=direction, site=site, category=category, **kw)

    def account(a, activated=None, disabled=None):
        return ToolAccountFactory(agent=a, provisioned_on=JAN, activated_on=activated, disabled_on=disabled)

    people = {
        "m1": agent("M1", dpe, depot),
        "m2": agent("M2", dpe, depot),
        "m3": agent("M3", dpe, depot, exit_date=D(2025, 5, 15)),  # left two weeks after the meeting
        "m4": agent("M4", dpe, depot, category="B"),  # alone in its stratum: no comparable agent
        "c1": agent("C1", dpe, depot),
        "c2": agent("C2", dpe, depot),
        "c3": agent("C3", dpe, depot),
        "c4": agent("C4", dpe, depot),  # no account
        "w": agent("W", dfpe, creche),  # came as a walk-in, matched later
        "c5": agent("C5", dfpe, creche),
        "c6": agent("C6", dfpe, creche),
    }
    account(people["m1"], D(2025, 5, 1))
    account(people["m2"], D(2025, 5, 20))
    account(people["m3"])
    account(people["m4"])
    account(people["c1"], D(2025, 2, 1), disabled=D(2025, 7, 1))
    account(people["c2"], D(2025, 6, 15))
    account(people["c3"])
    account(people["w"], D(2025, 5, 10))
    account(people["c5"], D(2025, 3, 1))
    account(people["c6"])
    first = ActivityFactory(visit=VisitFactory(site=depot, date=D(2025, 5, 1), status=VisitStatus.DONE))
    for key in ("m1", "m2", "m3", "m4"):
        ParticipationFactory(activity=first, agent=people[key])
    again = ActivityFactory(visit=VisitFactory(site=depot, date=D(2025, 6, 1), status=VisitStatus.DONE))
    ParticipationFactory(activity=again, agent=people["m1"])  # met twice: counted at the first meeting
    ParticipationFactory(activity=again, agent=None, is_walk_in=True, direction=dpe)  # never matched
    cancelled = ActivityFactory(visit=VisitFactory(site=depot, date=D(2025, 5, 2), status=VisitStatus.CANCELLED))
    ParticipationFactory(activity=cancelled, agent=people["c3"])  # a cancelled visit meets nobody
    creche_visit = ActivityFactory(visit=VisitFactory(site=creche, date=D(2025, 5, 10), status=VisitStatus.DONE))
    ParticipationFactory(activity=creche_visit, agent=people["w"], is_walk_in=True, walk_in_label="W")
    return people


def test_curves_match_hand_count(field, users):
    """J0: met m1 ✓ m2 ✗ m3 ✗ (S1, 1 May) and w ✓ (S2, 10 May) = 2/4; not met S1 on 1 May: c1 ✓ c2 ✗ c3 ✗
    = 1/3, S2 on 10 May: c5 ✓ c6 ✗ = 1/2; weighted 3/4·1/3 + 1/4·1/2 = 0.375. m4 has no comparable agent.
    J30: m3 has left; m1 ✓ m2 ✓ w ✓ = 3/3 against 2/3·1/3 + 1/3·1/2 = 7/18.
    J90 (30 Jul): c1 disabled on 1 Jul, c2 activated 15 Jun: S1 still 1/3; 3/3 against 7/18."""
    result = impact(user=users[Role.COORDINATOR], tool=mailbox(), day=D(2026, 1, 31))
    by = {p.offset: p for p in result.points}
    assert (by[0].met_activated, by[0].met_agents) == (2, 4)
    assert by[0].control_rate == pytest.approx(0.375)
    assert (by[7].met_activated, by[7].met_agents) == (2, 4)
    assert (by[30].met_activated, by[30].met_agents) == (3, 3)
    assert by[30].control_rate == pytest.approx(7 / 18)
    assert (by[90].met_activated, by[90].met_agents) == (3, 3)
    assert by[90].control_rate == pytest.approx(7 / 18)
    assert all(p.unmatched == 1 for p in result.points)  # m4
    assert by[0].met_interval == pytest.approx(wilson(2, 4))
    assert by[0].difference == pytest.approx(0.5 - 0.375)
    low, high = by[0].difference_interval
    assert low < by[0].difference < high
    assert result.met_total == 5  # m1, m2, m3, m4, w (c3's visit was cancelled)
    assert result.walk_ins_unmatched == 1


def test_headline_counts_every_agent_met(field, users):
    """Today: 10 agents in post (m3 left), 9 accounts, 5 activated (m1, m2, c2, w, c5) = 56 %;
    agents met in post with an account: m1, m2, m4, w, activated 3 of 4 = 75 %; comparable 7/18 = 39 %."""
    result = impact(user=users[Role.COORDINATOR], tool=mailbox(), day=D(2026, 1, 31))
    assert (result.city_agents, result.city_provisioned, result.city_activated) == (10, 9, 5)
    assert (result.met_activated, result.met_holding) == (3, 4)
    assert result.headline() == (
        "Comptes activés (messagerie professionnelle) : 56\u202f% à l'échelle de la ville ; 75\u202f% parmi les "
        "agents rencontrés par les médiateurs (3 sur 4), contre 39\u202f% parmi des agents comparables non rencontrés."
    )


def test_points_in_the_future_are_left_out(field, users):
    result = impact(user=users[Role.COORDINATOR], tool=mailbox(), day=D(2025, 6, 5))
    by = {p.offset: p for p in result.points}
    assert by[30].met_agents == 2  # only the 1 May meetings are 30 days old (m1, m2; m3 left)
    assert by[90].met_agents == 0 and by[90].control_rate is None


def test_hr_counts_only_their_directions(field, users):
    result = impact(user=users[Role.HR], tool=mailbox(), day=D(2026, 1, 31))
    by = {p.offset: p for p in result.points}
    assert (by[0].met_activated, by[0].met_agents) == (1, 3)
    assert by[0].control_rate == pytest.approx(1 / 3)
    assert result.met_total == 4


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.HR])
def test_todays_headline_from_the_summary_equals_the_full_estimate(field, users, role, settings):
    """The home page's sentence comes from the summary (`today_impact`): same figures as `impact`'s today."""
    from relais.insights.impact import today_impact

    user = users[role]
    tool = mailbox()
    fast = today_impact(user=user, tool=tool)
    full = impact(user=user, tool=tool)
    assert fast is not None
    for name in ("met_total", "walk_ins_unmatched", "met_holding", "met_activated"):
        assert getattr(fast, name) == getattr(full, name), name
    for name in ("city_agents", "city_provisioned", "city_activated"):
        assert getattr(fast, name) == getattr(full, name), name
    for name, value in vars(full.today).items():
        expected = pytest.approx(value, abs=1e-12) if isinstance(value, float | tuple) else value
        assert getattr(fast.today, name) == expected, name
    assert fast.headline() == full.headline()
    settings.RELAIS_INSIGHTS_SUMMARY = False
    assert today_impact(user=user, tool=tool) is None
