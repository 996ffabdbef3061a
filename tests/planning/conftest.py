import datetime

import pytest

from relais.accounts.enums import Role
from relais.organisation.enums import SiteKind
from relais.organisation.models import GatheringTime, OpeningHours
from relais.planning.models import MediatorProfile
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory, UserFactory

WEEK = datetime.date(2026, 11, 30)  # 2026-W49, no public holiday


@pytest.fixture(autouse=True)
def tiny_time_limit(settings):
    settings.RELAIS_PLANNING_TIME_LIMIT = 1


@pytest.fixture
def world(dpe, dfpe, users):
    """Six sites around République with windows, agents still without mailbox, two mediators."""
    sites = []
    spots = [
        (48.8675, 2.3636),
        (48.8700, 2.3700),
        (48.8630, 2.3650),
        (48.8720, 2.3580),
        (48.8650, 2.3750),
        (48.8600, 2.3550),
    ]
    for i, (lat, lon) in enumerate(spots):
        kind = SiteKind.DEPOT_PROPRETE if i % 2 == 0 else SiteKind.CRECHE
        site = SiteFactory(
            name=f"Site {i}", kind=kind, direction=dpe if i % 2 == 0 else dfpe, latitude=lat, longitude=lon
        )
        for day in range(5):
            OpeningHours.objects.create(
                site=site, weekday=day, opens_at=datetime.time(7, 0), closes_at=datetime.time(18, 0)
            )
        if kind == SiteKind.CRECHE:
            for day in range(5):
                GatheringTime.objects.create(
                    site=site, weekday=day, starts_at=datetime.time(13, 0), ends_at=datetime.time(15, 0), label="Sieste"
                )
        for k in range(4 + i):
            agent = AgentFactory(site=site, direction=site.direction, uses_computer=False)
            if k == 0:  # one agent per site already activated: not counted
                ToolAccountFactory(agent=agent, activated_on=datetime.date(2026, 3, 1))
        sites.append(site)
    mediator = users[Role.MEDIATOR]
    other = UserFactory(username="mediation2", role=Role.MEDIATOR, first_name="Yanis", last_name="Benali")
    for user in (mediator, other):
        MediatorProfile.objects.create(user=user, office_latitude=48.8566, office_longitude=2.3522)
    return {"sites": sites, "mediators": [mediator, other]}
