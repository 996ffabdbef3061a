"""Fixtures of the intervention tests: the DPE correspondent and the coordination, with e-mail addresses."""

import pytest

from relais.accounts.enums import Role


@pytest.fixture
def hr(users):
    user = users[Role.HR]
    user.email = "rh.dpe@paris.example"
    user.save()
    return user


@pytest.fixture
def coordinator(users):
    user = users[Role.COORDINATOR]
    user.email = "coordination@paris.example"
    user.save()
    return user
