import pytest

from relais.accounts.enums import Role
from tests.factories import DirectionFactory, UserFactory

pytest_plugins = ["tests.browser.plugin"]


@pytest.fixture
def dpe(db):
    return DirectionFactory(code="DPE", name="Propreté et eau")


@pytest.fixture
def dfpe(db):
    return DirectionFactory(code="DFPE", name="Familles et petite enfance")


@pytest.fixture
def users(dpe):
    """One user per role; the HR correspondent follows DPE only."""
    return {
        Role.ADMIN: UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        Role.COORDINATOR: UserFactory(username="coordination", role=Role.COORDINATOR),
        Role.MEDIATOR: UserFactory(username="mediation", role=Role.MEDIATOR),
        Role.HR: UserFactory(username="rh", role=Role.HR, directions=[dpe]),
        Role.HELPDESK: UserFactory(username="assistance", role=Role.HELPDESK),
    }
