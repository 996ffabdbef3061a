import datetime

import pytest

from relais.adoption.enums import AdoptionStatus, Source
from relais.adoption.models import ToolAccount, status_from_facts
from relais.adoption.selectors import activation_by, status_on
from relais.adoption.services import observation_record
from relais.journal.models import Entry
from tests.factories import AgentFactory, ToolAccountFactory, mailbox

D = datetime.date


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, AdoptionStatus.NO_ACCOUNT),
        ({"provisioned_on": D(2026, 6, 1)}, AdoptionStatus.PROVISIONED),
        ({"provisioned_on": D(2026, 7, 1)}, AdoptionStatus.NO_ACCOUNT),  # created after the day
        ({"provisioned_on": D(2026, 1, 1), "activated_on": D(2026, 2, 1)}, AdoptionStatus.ACTIVATED),
        ({"provisioned_on": D(2026, 1, 1), "activated_on": D(2026, 6, 20)}, AdoptionStatus.PROVISIONED),
        (
            {
                "provisioned_on": D(2026, 1, 1),
                "activated_on": D(2026, 2, 1),
                "last_activity_on": D(2026, 6, 1),
            },
            AdoptionStatus.ACTIVE_30D,
        ),
        (
            {
                "provisioned_on": D(2026, 1, 1),
                "activated_on": D(2026, 2, 1),
                "last_activity_on": D(2026, 5, 1),
            },
            AdoptionStatus.USED,
        ),
        ({"provisioned_on": D(2026, 1, 1), "disabled_on": D(2026, 6, 15)}, AdoptionStatus.DISABLED),
    ],
)
def test_ladder_on_a_day(facts, expected):
    base = {"provisioned_on": None, "activated_on": None, "last_activity_on": None, "disabled_on": None}
    assert status_from_facts(day=D(2026, 6, 15), **(base | facts)) == expected


@pytest.mark.django_db
def test_sql_status_matches_python_status(dpe):
    cases = [
        {"provisioned_on": D(2026, 1, 1)},
        {"provisioned_on": D(2026, 1, 1), "activated_on": D(2026, 3, 1)},
        {"provisioned_on": D(2026, 1, 1), "activated_on": D(2026, 3, 1), "last_activity_on": D(2026, 6, 10)},
        {"provisioned_on": D(2026, 1, 1), "activated_on": D(2026, 3, 1), "last_activity_on": D(2026, 4, 10)},
        {"provisioned_on": D(2026, 1, 1), "disabled_on": D(2026, 5, 1)},
        {"provisioned_on": D(2026, 9, 1)},
    ]
    for facts in cases:
        ToolAccountFactory(agent=AgentFactory(direction=dpe), **facts)
    day = D(2026, 6, 15)
    for account in ToolAccount.objects.annotate_status(day):
        assert account.status == account.status_on(day)


@pytest.mark.django_db
def test_observations_build_history_and_past_status(users, dpe):
    agent = AgentFactory(direction=dpe)
    tool = mailbox()
    admin = users["admin"]
    observation_record(acting_user=admin, agent=agent, tool=tool, source=Source.M365, as_of=D(2026, 1, 31),
                       provisioned_on=D(2026, 1, 10))  # fmt: skip
    observation_record(acting_user=admin, agent=agent, tool=tool, source=Source.M365, as_of=D(2026, 3, 31),
                       first_sign_in_on=D(2026, 3, 2), last_activity_on=D(2026, 3, 30))  # fmt: skip
    observation_record(acting_user=admin, agent=agent, tool=tool, source=Source.M365, as_of=D(2026, 9, 30),
                       last_activity_on=D(2026, 4, 2))  # fmt: skip
    account = ToolAccount.objects.get(agent=agent, tool=tool)
    assert account.provisioned_on == D(2026, 1, 10)
    assert account.activated_on == D(2026, 3, 2)
    assert account.last_activity_on == D(2026, 4, 2)

    assert status_on(account, D(2025, 12, 31)) == AdoptionStatus.NO_ACCOUNT
    assert status_on(account, D(2026, 2, 1)) == AdoptionStatus.PROVISIONED
    assert status_on(account, D(2026, 3, 3)) == AdoptionStatus.ACTIVATED
    assert status_on(account, D(2026, 4, 15)) == AdoptionStatus.ACTIVE_30D
    assert status_on(account, D(2026, 9, 30)) == AdoptionStatus.USED
    assert Entry.objects.for_object(agent).count() == 3


@pytest.mark.django_db
def test_same_observation_twice_changes_nothing(users, dpe):
    agent = AgentFactory(direction=dpe)
    kwargs = {"acting_user": users["admin"], "agent": agent, "tool": mailbox(), "source": Source.MEDIATION,
              "as_of": D(2026, 5, 5), "first_sign_in_on": D(2026, 5, 5)}  # fmt: skip
    first = observation_record(**kwargs)
    second = observation_record(**kwargs)
    assert first.pk == second.pk
    assert Entry.objects.for_object(agent).count() == 1


@pytest.mark.django_db
def test_disabled_then_enabled_again(users, dpe):
    agent = AgentFactory(direction=dpe)
    tool, admin = mailbox(), users["admin"]
    observation_record(acting_user=admin, agent=agent, tool=tool, source=Source.ACTIVE_DIRECTORY,
                       as_of=D(2026, 2, 1), provisioned_on=D(2026, 1, 1), is_disabled=True)  # fmt: skip
    assert ToolAccount.objects.get().disabled_on == D(2026, 2, 1)
    observation_record(acting_user=admin, agent=agent, tool=tool, source=Source.ACTIVE_DIRECTORY,
                       as_of=D(2026, 3, 1))  # fmt: skip
    assert ToolAccount.objects.get().disabled_on is None


@pytest.mark.django_db
def test_activation_rate_by_direction_on_a_past_day(users, dpe, dfpe):
    # DPE: 4 mailboxes, 1 activated before 1 March, 2 by 1 June; one agent left in April; one without mailbox.
    ToolAccountFactory(agent=AgentFactory(direction=dpe), activated_on=D(2026, 2, 1))
    ToolAccountFactory(agent=AgentFactory(direction=dpe), activated_on=D(2026, 5, 1))
    ToolAccountFactory(agent=AgentFactory(direction=dpe))
    ToolAccountFactory(agent=AgentFactory(direction=dpe, exit_date=D(2026, 4, 1)), activated_on=D(2026, 1, 20))
    AgentFactory(direction=dpe)
    ToolAccountFactory(agent=AgentFactory(direction=dfpe), activated_on=D(2026, 2, 1))
    coordinator = users["coordinator"]
    tool = mailbox()

    march = {
        r.label: r for r in activation_by(user=coordinator, tool=tool, day=D(2026, 3, 1), group_by="direction__code")
    }
    assert (march["DPE"].agents, march["DPE"].accounts, march["DPE"].activated) == (5, 4, 2)
    june = {
        r.label: r for r in activation_by(user=coordinator, tool=tool, day=D(2026, 6, 1), group_by="direction__code")
    }
    assert (june["DPE"].agents, june["DPE"].accounts, june["DPE"].activated) == (4, 3, 2)
    assert june["DPE"].rate == pytest.approx(2 / 3)
    assert june["DFPE"].rate == 1.0

    hr_rows = activation_by(user=users["hr"], tool=tool, day=D(2026, 6, 1), group_by="direction__code")
    assert [r.label for r in hr_rows] == ["DPE"]
