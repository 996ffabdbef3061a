import os
import stat

import pytest
from django.core.management import call_command
from django.urls import reverse

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.models import Agent
from relais.journal.models import Entry
from tests.demo.test_demo_data import _Sink, load

ROLES = {
    "admin": Role.ADMIN,
    "coordination": Role.COORDINATOR,
    "mediation": Role.MEDIATOR,
    "rh": Role.HR,
    "assistance": Role.HELPDESK,
}


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("RELAIS_DEMO_PASSWORD", "mot-de-passe-demo-42")
    return "mot-de-passe-demo-42"


def accounts(tmp_path):
    out = _Sink()
    call_command("demo_accounts", password_file=tmp_path / "demo-password.txt", stdout=out)
    return str(out)


@pytest.mark.django_db
def test_one_account_per_role_with_the_given_password(password, tmp_path, client):
    load(agents=400)
    out = accounts(tmp_path)
    for username, role in ROLES.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(password)
        assert username in out
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()
    assert "RELAIS_DEMO_PASSWORD" in out and password not in out
    assert not (tmp_path / "demo-password.txt").exists()
    # Through the login form: django-axes (lock-out) needs the request that `client.login` does not give.
    response = client.post(reverse("accounts:login"), {"username": "rh", "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("insights:home")


@pytest.mark.django_db
def test_mediation_is_one_of_the_ten_mediators(password, tmp_path):
    load(agents=400)
    first_mediator = User.objects.filter(role=Role.MEDIATOR).order_by("pk").first()
    accounts(tmp_path)
    assert User.objects.filter(role=Role.MEDIATOR).count() == 10
    mediation = User.objects.get(username="mediation")
    assert mediation.pk == first_mediator.pk
    assert mediation.get_full_name() == first_mediator.get_full_name()


@pytest.mark.django_db
def test_rh_sees_only_dpe_agents(password, tmp_path):
    load(agents=600)
    accounts(tmp_path)
    rh = User.objects.get(username="rh")
    assert list(rh.directions.values_list("code", flat=True)) == ["DPE"]
    visible = Agent.objects.visible_to(rh)
    assert visible.exists()
    assert set(visible.values_list("direction__code", flat=True)) == {"DPE"}
    assert visible.count() == Agent.objects.filter(direction__code="DPE").count() < Agent.objects.count()


@pytest.mark.django_db
def test_idempotent(password, tmp_path):
    load(agents=300)
    accounts(tmp_path)
    users, entries = (
        list(User.objects.order_by("pk").values_list("pk", "username", "role", "password")),
        Entry.objects.count(),
    )
    accounts(tmp_path)
    assert list(User.objects.order_by("pk").values_list("pk", "username", "role", "password")) == users
    assert Entry.objects.count() == entries


@pytest.mark.django_db
def test_works_without_demo_data(password, tmp_path):
    accounts(tmp_path)
    assert set(User.objects.values_list("username", flat=True)) == set(ROLES)
    assert list(User.objects.get(username="rh").directions.values_list("code", flat=True)) == ["DPE"]


@pytest.mark.django_db
def test_generated_password_is_stored_privately_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("RELAIS_DEMO_PASSWORD", raising=False)
    out = accounts(tmp_path)
    path = tmp_path / "demo-password.txt"
    password = path.read_text().strip()
    assert len(password) >= 16
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert password in out
    accounts(tmp_path)
    assert path.read_text().strip() == password
    assert User.objects.get(username="coordination").check_password(password)
