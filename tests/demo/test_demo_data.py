import datetime
import random
import sys
import types

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.adoption.models import Observation, ToolAccount
from relais.adoption.services import accounts_refresh
from relais.agents.models import Agent
from relais.demo import geography
from relais.demo.context import DemoContext
from relais.journal.models import Entry
from relais.organisation.models import GatheringTime, OpeningHours, Site
from tests.factories import AgentFactory

AS_OF = datetime.date(2025, 6, 30)

# Written by hand from DOMAIN.md §1 and §3, independently of the demo's catalogue.
PLAUSIBLE_KINDS = {
    "DPE": {"depot_proprete", "atelier", "bureau"},
    "DFPE": {"creche", "bureau"},
    "DASCO": {"ecole", "bureau"},
    "DJS": {"equipement_sportif", "bureau"},
    "DEVE": {"espace_vert", "atelier", "bureau"},
    "DAC": {"bibliotheque", "bureau"},
    "DSOL": {"etablissement_social", "bureau"},
    "DPMP": {"poste_police", "bureau"},
    "DCPA": {"atelier", "bureau"},
    "DVD": {"atelier", "bureau"},
    "DILT": {"atelier", "bureau"},
    "DRH": {"bureau"},
    "DSIN": {"bureau"},
    "DFA": {"bureau"},
}


def load(agents=2000, seed=1, **options):
    call_command("demo_data", agents=agents, seed=seed, as_of=AS_OF.isoformat(), stdout=_Sink(), **options)


class _Sink:
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)

    def flush(self):
        pass

    def __str__(self):
        return "".join(self.lines)


def fingerprint():
    agents = list(
        Agent.objects.order_by("matricule").values_list(
            "matricule", "public_id", "last_name", "usage_name", "first_name", "category", "statut", "grade",
            "job_title", "direction__code", "site__name", "work_email", "entry_date", "exit_date",
            "hr_manager__agent__matricule", "hr_manager__label",
        )
    )  # fmt: skip
    accounts = list(
        ToolAccount.objects.order_by("agent__matricule", "tool__code").values_list(
            "agent__matricule", "tool__code", "provisioned_on", "activated_on", "last_activity_on", "disabled_on"
        )
    )
    sites = list(Site.objects.order_by("name", "latitude").values_list("name", "kind", "postcode", "latitude"))
    return agents, accounts, sites


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_same_seed_and_date_give_the_same_organisation():
    with pytest.raises(_Rollback), transaction.atomic():
        load(seed=7)
        first = fingerprint()
        raise _Rollback
    assert not Agent.objects.exists()
    load(seed=7)
    assert fingerprint() == first
    assert len(first[0]) == 2000


@pytest.mark.django_db
def test_another_seed_gives_other_agents():
    with pytest.raises(_Rollback), transaction.atomic():
        load(agents=300, seed=1)
        first = set(Agent.objects.values_list("matricule", flat=True))
        raise _Rollback
    load(agents=300, seed=2)
    assert set(Agent.objects.values_list("matricule", flat=True)) != first


@pytest.fixture
def demo(db, monkeypatch):
    """The base organisation alone: areas' builders (field work…) add their own history on top."""
    monkeypatch.setattr("relais.demo.services.discover_builders", lambda: [])
    load(agents=2500)


def test_mailboxes_and_activation_rate_match_the_reference_case(demo):
    mailboxes = ToolAccount.objects.filter(tool__code="messagerie")
    assert mailboxes.count() == 1500  # 60 % of the agents
    in_post = mailboxes.filter(agent__in=Agent.objects.in_post(AS_OF))
    rate = in_post.activated_on_day(AS_OF).count() / in_post.count()
    assert 0.36 <= rate <= 0.38
    overall = mailboxes.activated_on_day(AS_OF).count() / mailboxes.count()
    assert 0.36 <= overall <= 0.38
    # Every agent with a mailbox has a work address, and only they do.
    assert set(mailboxes.values_list("login", flat=True)) == set(
        Agent.objects.exclude(work_email="").values_list("work_email", flat=True)
    )


def test_activation_varies_by_category_direction_and_site_kind(demo):
    mailboxes = ToolAccount.objects.filter(tool__code="messagerie", agent__exit_date__isnull=True)

    def rate(**filters):
        group = mailboxes.filter(**filters)
        return group.activated_on_day(AS_OF).count() / group.count()

    assert rate(agent__category="A") > rate(agent__category="B") > rate(agent__category="C")
    assert rate(agent__site__kind="bureau") > 2 * rate(agent__site__kind="depot_proprete")
    assert rate(agent__direction__code="DSIN") > 2 * rate(agent__direction__code="DPE")


def test_activation_rises_over_the_year(demo):
    mailboxes = ToolAccount.objects.filter(tool__code="messagerie")

    def rate(day):
        provisioned = mailboxes.filter(Q(provisioned_on__lte=day) | Q(activated_on__lte=day)).count()
        return mailboxes.activated_on_day(day).count() / provisioned

    year_ago = AS_OF - datetime.timedelta(days=330)
    assert rate(year_ago) + 0.08 < rate(AS_OF)


def test_account_facts_are_what_the_history_says(demo):
    """Merging each account's observations gives back exactly its facts: nothing to refresh."""
    assert accounts_refresh(ToolAccount.objects.values_list("pk", flat=True)) == 0
    assert set(Observation.objects.values_list("source", flat=True)) == {"m365", "ad", "demo"}
    assert not Observation.objects.filter(as_of__gt=AS_OF).exists()
    per_account = ToolAccount.objects.annotate(n=Count("observations")).values_list("n", flat=True)
    assert min(per_account) >= 1 and max(per_account) <= 3
    for code in ("badgeuse", "self-service-rh", "intranet"):
        assert ToolAccount.objects.filter(tool__code=code).exists()


def test_most_agents_are_category_c_in_field_jobs(demo):
    total = Agent.objects.count()
    category_c = Agent.objects.filter(category="C").count()
    assert 0.68 <= category_c / total <= 0.80
    assert Agent.objects.filter(uses_computer=False).count() > total / 2
    sizes = dict(Agent.objects.values_list("direction__code").annotate(n=Count("pk")))
    biggest = sorted(sizes, key=sizes.get, reverse=True)[:3]
    assert set(biggest) == {"DPE", "DFPE", "DASCO"}
    assert set(sizes) == set(PLAUSIBLE_KINDS)


def test_filieres_fit_the_jobs(demo):
    police = Agent.objects.filter(direction__code="DPMP")
    assert police.filter(filiere="police_municipale").count() > police.count() / 2
    assert Agent.objects.filter(
        direction__code="DFPE", filiere="medico_sociale", job_title="Auxiliaire de puériculture"
    ).exists()  # noqa: E501
    assert Agent.objects.filter(direction__code="DASCO", job_title__icontains="écoles maternelles").exists()
    # Only titulaires and stagiaires hold a grade.
    assert not Agent.objects.exclude(statut__in=["titulaire", "stagiaire"]).exclude(grade="").exists()
    assert not Agent.objects.filter(statut__in=["titulaire", "stagiaire"], grade="").exists()


def test_sites_are_inside_paris_with_a_consistent_postcode(demo):
    centroids = {a.postcode: a for a in geography.ARRONDISSEMENTS}
    sites = list(Site.objects.values_list("postcode", "latitude", "longitude"))
    assert 60 <= len(sites) <= 140  # about 2,000 for 50,000 agents
    for postcode, lat, lon in sites:
        assert 48.8156 <= lat <= 48.9022 and 2.2242 <= lon <= 2.4699
        arr = centroids[postcode]
        assert geography.distance_km(lat, lon, arr.latitude, arr.longitude) < 2.0


def test_every_agent_works_at_a_plausible_site_of_their_direction(demo):
    rows = Agent.objects.values_list(
        "direction__code", "site__kind", "site__direction__code", "service__direction__code"
    )
    for direction, kind, site_direction, service_direction in rows:
        assert kind in PLAUSIBLE_KINDS[direction]
        assert site_direction == direction == service_direction


def test_sites_have_hours_and_gathering_times(demo):
    assert not Site.objects.filter(opening_hours__isnull=True).exists()
    depot = GatheringTime.objects.filter(site__kind="depot_proprete", weekday=0).order_by("starts_at").first()
    assert depot.starts_at == datetime.time(6, 0) and depot.ends_at == datetime.time(7, 30)
    nap = GatheringTime.objects.filter(site__kind="creche").first()
    assert 12 <= nap.starts_at.hour <= 14
    assert not OpeningHours.objects.filter(site__kind="creche", weekday=6).exists()


def test_hr_managers_keep_the_files_of_their_direction(demo):
    managers = Agent.objects.filter(job_title="Gestionnaire RH")
    assert set(managers.values_list("category", flat=True)) == {"B"}
    assert set(managers.values_list("direction__code", flat=True)) == set(PLAUSIBLE_KINDS)
    followed = Agent.objects.exclude(job_title="Gestionnaire RH")
    assert not followed.filter(hr_manager__isnull=True).exists()
    assert not followed.exclude(hr_manager__agent__direction=F("direction")).exists()
    assert not followed.exclude(hr_manager__agent__job_title="Gestionnaire RH").exists()


def test_leavers_have_exit_dates_and_disabled_mailboxes(demo):
    leavers = Agent.objects.filter(exit_date__lte=AS_OF)
    assert leavers.exists()
    assert not leavers.filter(exit_date__lt=F("entry_date")).exists()
    assert not ToolAccount.objects.filter(agent__in=leavers, tool__code="messagerie", disabled_on__isnull=True).exists()


def test_mediators_and_one_journal_entry(demo):
    mediators = User.objects.filter(role=Role.MEDIATOR)
    assert mediators.count() == 10
    assert not any(u.has_usable_password() for u in mediators)
    assert all(u.first_name and u.last_name for u in mediators)
    entries = Entry.objects.filter(action="demo.load")
    assert entries.count() == 1
    assert entries.get().acting_user is None
    assert entries.get().payload["agents"] == 2500
    assert not Entry.objects.exclude(object_type="demo.dataset").exists()  # no entry per row


@pytest.mark.django_db
def test_if_empty_does_nothing_when_agents_exist():
    AgentFactory()
    out = _Sink()
    call_command("demo_data", agents=300, if_empty=True, stdout=out)
    assert Agent.objects.count() == 1
    assert "existent déjà" in str(out)
    with pytest.raises(CommandError, match="contient déjà 1 agents"):
        call_command("demo_data", agents=300, stdout=_Sink())


@pytest.mark.django_db
def test_if_empty_loads_an_empty_database():
    load(agents=200, if_empty=True)
    assert Agent.objects.count() == 200


@pytest.mark.django_db
def test_refused_outside_demo_mode(settings):
    settings.RELAIS_DEMO = False
    with pytest.raises(CommandError, match="RELAIS_DEMO=true"):
        load(agents=100)
    with pytest.raises(CommandError, match="RELAIS_DEMO=true"):
        call_command("demo_accounts", stdout=_Sink())
    assert not Agent.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_invalid_as_of_date_is_explained():
    with pytest.raises(CommandError, match="date invalide"):
        call_command("demo_data", "--agents", "10", "--as-of", "30/06/2025", stdout=_Sink())


@pytest.mark.django_db
def test_activations_added_by_an_area_are_balanced_to_keep_37_percent(monkeypatch):
    """An area's builder activating mailboxes (mediators' visits) does not lift the city-wide rate."""
    helped = []

    def build(ctx):
        from relais.adoption.services import accounts_refresh

        waiting = list(
            ToolAccount.objects.filter(tool__code="messagerie", activated_on__isnull=True, disabled_on__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:150]
        )
        day = ctx.as_of - datetime.timedelta(days=20)
        Observation.objects.bulk_create(
            Observation(account_id=pk, source="mediation", as_of=day, first_sign_in_on=day) for pk in waiting
        )
        accounts_refresh(waiting)
        helped.extend(waiting)

    monkeypatch.setattr("relais.demo.services.discover_builders", lambda: [("core", build)])
    load(agents=2500)
    in_post = ToolAccount.objects.filter(tool__code="messagerie", agent__in=Agent.objects.in_post(AS_OF))
    assert in_post.activated_on_day(AS_OF).count() == round(in_post.count() * 0.37)
    assert ToolAccount.objects.filter(pk__in=helped, activated_on=AS_OF - datetime.timedelta(days=20)).count() == 150
    assert accounts_refresh(ToolAccount.objects.values_list("pk", flat=True)) == 0
    assert Entry.objects.filter(action="demo.calibrate").count() == 1


@pytest.mark.django_db
def test_the_whole_demo_keeps_its_headline_figures():
    """With every area's builder installed (field work…), the figures of the reference case hold."""
    load(agents=2500)
    assert ToolAccount.objects.filter(tool__code="messagerie").count() == 1500
    in_post = ToolAccount.objects.filter(tool__code="messagerie", agent__in=Agent.objects.in_post(AS_OF))
    assert abs(in_post.activated_on_day(AS_OF).count() / in_post.count() - 0.37) <= 0.005
    assert accounts_refresh(ToolAccount.objects.values_list("pk", flat=True)) == 0


@pytest.mark.django_db
def test_area_builders_are_called_in_installed_apps_order(monkeypatch):
    calls = []

    def fake(label):
        module = types.ModuleType(f"relais.{label}.demo")

        def build(ctx):
            calls.append((label, ctx, Agent.objects.count()))

        module.build = build
        return module

    monkeypatch.setitem(sys.modules, "relais.journal.demo", fake("journal"))
    monkeypatch.setitem(sys.modules, "relais.core.demo", fake("core"))
    load(agents=150, seed=3)
    assert [label for label, *_ in calls] == ["core", "journal"]
    label, ctx, agents_seen = calls[0]
    assert isinstance(ctx, DemoContext)
    assert (ctx.seed, ctx.as_of, ctx.agents, agents_seen) == (3, AS_OF, 150, 150)
    assert ctx.vendor in {"sqlite", "postgresql"}
    assert ctx.rng.random() == random.Random("3:core").random()
    assert callable(ctx.log)
