import pytest
from django.contrib.auth.models import AnonymousUser

from relais.accounts import permissions
from relais.accounts.enums import Role
from relais.agents.models import Agent
from relais.organisation.models import Direction, Site
from tests.factories import AgentFactory, SiteFactory, UserFactory


@pytest.mark.django_db
def test_hr_correspondent_sees_only_their_directions(users, dpe, dfpe):
    mine = AgentFactory(direction=dpe)
    other = AgentFactory(direction=dfpe)
    SiteFactory(direction=dpe, name="Dépôt Bercy")
    SiteFactory(direction=dfpe, name="Crèche Oberkampf")
    hr = users[Role.HR]

    assert list(Agent.objects.visible_to(hr)) == [mine]
    assert list(Direction.objects.visible_to(hr)) == [dpe]
    assert [s.name for s in Site.objects.visible_to(hr)] == ["Dépôt Bercy"]
    assert permissions.can_view_agent(hr, mine)
    assert not permissions.can_view_agent(hr, other)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.HELPDESK])
def test_city_wide_roles_see_every_direction(users, dpe, dfpe, role):
    AgentFactory(direction=dpe)
    AgentFactory(direction=dfpe)
    assert Agent.objects.visible_to(users[role]).count() == 2


@pytest.mark.django_db
def test_deny_by_default(dpe):
    AgentFactory(direction=dpe)
    no_role = UserFactory(username="sansrole", role="")
    hr_without_direction = UserFactory(username="rh2", role=Role.HR)
    inactive = UserFactory(username="parti", role=Role.COORDINATOR, is_active=False)
    for user in (AnonymousUser(), no_role, hr_without_direction, inactive, None):
        assert Agent.objects.visible_to(user).count() == 0


@pytest.mark.django_db
def test_role_predicates(users):
    assert permissions.can_view_city_overview(users[Role.COORDINATOR])
    assert permissions.can_view_city_overview(users[Role.ADMIN])
    for role in (Role.HR, Role.MEDIATOR, Role.HELPDESK):
        assert not permissions.can_view_city_overview(users[role])
    assert permissions.can_manage_referential(users[Role.ADMIN])
    assert not permissions.can_manage_referential(users[Role.COORDINATOR])
    assert not permissions.can_list_agents(AnonymousUser())
