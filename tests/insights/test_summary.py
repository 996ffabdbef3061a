"""The persisted summary gives exactly the direct computation's figures, and is rebuilt when they may move.

Each test computes the figures twice: through the summary (`relais.insights.summary`, the default) and
directly from the tables (summary switched off), and compares them — on the hand-made city, on random
data with every kind of edge (no dates, left, disabled before or after activation, future dates), after
a write through a service (journal entry) and after the day changes.
"""

import datetime
import random

import pytest
from django.utils import timezone

from relais.adoption.enums import Source
from relais.adoption.models import MAILBOX, Tool
from relais.adoption.selectors import activation_by
from relais.adoption.services import observation_record
from relais.agents.enums import Category, Filiere, Statut
from relais.agents.models import Agent
from relais.agents.services import agent_update
from relais.insights import adoption, summary
from relais.insights.models import SummaryState
from relais.insights.population import PopulationFilter
from relais.insights.selectors import activation_overview
from relais.organisation.enums import SiteKind
from tests.factories import AgentFactory, ServiceFactory, SiteFactory, ToolAccountFactory

D = datetime.date


def figures(user, *, day=None, population=None):
    """Every summary-backed figure of the dashboards for the mailbox on `day` (today by default)."""
    day = day or timezone.localdate()
    population = population or PopulationFilter()
    tool = Tool.objects.get(code=MAILBOX)
    cube = sorted(
        (
            (tuple(r[k] for k in adoption.DIMENSIONS), r["agents"], r["provisioned"], r["activated"], r["recent"])
            for r in adoption.cube(user=user, tool=tool, day=day, population=population)
            if r["agents"]
        ),
        key=repr,
    )
    funnels = [
        (t.code, [s.count for s in stages]) for t, stages in adoption.funnels(user=user, day=day, population=population)
    ]
    trend = [
        (p.day, p.agents, p.provisioned, p.activated)
        for p in adoption.trend(user=user, tool=tool, days=adoption.trend_days(day), population=population)
    ]
    overview = activation_overview(user=user, tool=tool, day=day, with_services=True)
    ov = [
        (name, sorted(((r.key, r.agents, r.accounts, r.activated) for r in rows), key=repr))
        for name, rows in (
            ("direction", overview.by_direction),
            ("category", overview.by_category),
            ("kind", overview.by_site_kind),
            ("service", overview.by_service),
        )
    ]
    dashboard = adoption.adoption_dashboard(user=user, tool=tool, day=day, population=population)
    breakdowns = {
        key: sorted(((f.key, f.label, f.agents, f.provisioned, f.activated, f.recent) for f in rows), key=repr)
        for key, rows in dashboard.breakdowns.items()
    }
    return {
        "cube": cube,
        "funnels": funnels,
        "trend": trend,
        "overview": ov,
        "total": overview.total,
        "dashboard": (dashboard.total, breakdowns, dashboard.funnels, dashboard.trend, dashboard.sites),
    }


def both(settings, user, **kw):
    settings.RELAIS_INSIGHTS_SUMMARY = True
    via_summary = figures(user, **kw)
    settings.RELAIS_INSIGHTS_SUMMARY = False
    direct = figures(user, **kw)
    settings.RELAIS_INSIGHTS_SUMMARY = True
    return via_summary, direct


@pytest.mark.parametrize("role", ["coordinator", "hr"])
def test_summary_equals_direct_computation_on_the_hand_made_city(settings, city, users, role):
    via_summary, direct = both(settings, users[role])
    assert via_summary == direct
    assert summary.is_fresh()
    if role == "coordinator":
        # The docstring's hand count (tests/insights/conftest.py): 6 agents, 5 accounts, 3 activated, 1 recent.
        assert via_summary["funnels"][0] == ("messagerie", [6, 5, 3, 1])


def test_summary_with_filters_equals_direct_computation(settings, city, users, dpe):
    population = PopulationFilter(directions=(dpe.pk,), categories=(Category.C,), site_kinds=(SiteKind.DEPOT_PROPRETE,))
    via_summary, direct = both(settings, users["coordinator"], population=population)
    assert via_summary == direct


def random_city(rng: random.Random, dpe, dfpe, n=60):
    today = timezone.localdate()
    sites = [
        SiteFactory(kind=SiteKind.CRECHE, direction=dfpe),
        SiteFactory(kind=SiteKind.DEPOT_PROPRETE, direction=dpe),
        None,
    ]
    services = [ServiceFactory(direction=dpe), ServiceFactory(direction=dfpe), None]

    def some_day(p_none=0.2):
        if rng.random() < p_none:
            return None
        return today + datetime.timedelta(days=rng.randint(-800, 60))

    for _ in range(n):
        entry, exit_ = some_day(0.3), some_day(0.7)
        if entry and exit_ and exit_ <= entry:
            entry, exit_ = exit_ - datetime.timedelta(days=1), entry + datetime.timedelta(days=1)
        agent = AgentFactory(
            direction=rng.choice([dpe, dfpe]),
            service=rng.choice(services),
            site=rng.choice(sites),
            category=rng.choice(Category.values + [""]),
            filiere=rng.choice([Filiere.TECHNIQUE, Filiere.ADMINISTRATIVE, ""]),
            statut=rng.choice([Statut.TITULAIRE, Statut.CONTRACTUEL, ""]),
            entry_date=entry,
            exit_date=exit_,
        )
        if rng.random() < 0.85:
            ToolAccountFactory(
                agent=agent,
                provisioned_on=some_day(0.1),
                activated_on=some_day(0.4),
                disabled_on=some_day(0.8),
                last_activity_on=some_day(0.3),
            )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summary_equals_direct_computation_on_random_data(settings, users, dpe, dfpe, seed):
    random_city(random.Random(seed), dpe, dfpe)
    via_summary, direct = both(settings, users["coordinator"])
    assert via_summary == direct
    # And every point of the trend is the programme's figure, `activation_by`, on its day.
    for point in via_summary["trend"]:
        (row,) = activation_by(user=users["coordinator"], tool=Tool.objects.get(code=MAILBOX), day=point[0])
        assert point[2:] == (row.accounts, row.activated)


def first_sign_in_today(user, agent) -> None:
    """A mediator records the agent's first sign-in to the mailbox today (a service: one journal entry)."""
    today = timezone.localdate()
    observation_record(
        acting_user=user,
        agent=agent,
        tool=Tool.objects.get(code=MAILBOX),
        source=Source.MEDIATION,
        as_of=today,
        first_sign_in_on=today,
        last_activity_on=today,
    )


def test_a_journaled_write_makes_the_summary_stale_and_the_next_read_exact(settings, city, users, dpe):
    user = users["coordinator"]
    first, _ = both(settings, user)
    assert summary.is_fresh()
    # A mediator records a first sign-in for a3 (never activated): a service, hence a journal entry.
    first_sign_in_today(user, city["a3"])
    assert not summary.is_fresh()
    after, direct = both(settings, user)
    assert after == direct
    assert after["funnels"][0] == ("messagerie", [6, 5, 4, 2])
    # An agent moved to another direction (journaled as well).
    agent_update(agent=Agent.objects.get(pk=city["f1"].pk), acting_user=user, direction=dpe)
    assert not summary.is_fresh()
    moved, direct = both(settings, user)
    assert moved == direct and moved != after


def test_a_site_kind_change_is_seen_although_not_journaled(settings, city, users):
    user = users["coordinator"]
    both(settings, user)
    site = city["a1"].site
    site.kind = SiteKind.ECOLE
    site.save()
    assert not summary.is_fresh()
    via_summary, direct = both(settings, user)
    assert via_summary == direct
    assert any(r[0][3] == SiteKind.ECOLE for r in via_summary["cube"])


def test_the_summary_is_rebuilt_when_the_day_changes(settings, users, dpe, dfpe, monkeypatch):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    leaver = AgentFactory(direction=dpe, exit_date=tomorrow)
    ToolAccountFactory(agent=leaver, provisioned_on=D(2025, 1, 1), activated_on=D(2025, 2, 1))
    newcomer = AgentFactory(direction=dpe, entry_date=tomorrow)
    ToolAccountFactory(agent=newcomer, provisioned_on=tomorrow)
    user = users["coordinator"]
    before, _ = both(settings, user)
    assert before["funnels"][0][1][:3] == [1, 1, 1]
    assert SummaryState.objects.get().day == today
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert not summary.is_fresh()
    after, direct = both(settings, user)
    assert after == direct
    assert after["funnels"][0][1][:3] == [1, 1, 0]
    assert SummaryState.objects.get().day == tomorrow


def test_a_past_day_is_computed_directly(settings, city, users):
    """The summary holds today only: a past day reads the tables (and stays exact)."""
    day = D(2025, 4, 1)
    via_summary, direct = both(settings, users["coordinator"], day=day)
    assert via_summary == direct
    assert via_summary["funnels"][0][1][:3] == [6, 5, 2]


def test_a_journaled_write_queues_one_refresh_after_commit(settings, city, users, django_capture_on_commit_callbacks):
    """With a real task backend, the write's transaction queues ONE background refresh, run after the commit."""
    from django.db import transaction

    from relais.insights import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = users["coordinator"]
    summary.ensure_fresh()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for key in ("a3", "a4"):
            agent_update(agent=Agent.objects.get(pk=city[key].pk), acting_user=user, job_title=f"Poste {key}")
    queued = [cb for cb in callbacks if cb is tasks._enqueue]
    assert len(queued) == 1
    # What the worker runs: the summary is fresh afterwards.
    assert not summary.is_fresh()
    assert tasks.summary_refresh.call() is True
    assert summary.is_fresh()


@pytest.mark.parametrize("use_summary", [True, False])
def test_a_page_keeps_the_sites_it_draws_exactly_as_in_the_full_breakdown(settings, users, dpe, dfpe, use_summary):
    """With keep_sites=(map, top), the sites kept are the full breakdown's largest located and most waiting."""
    settings.RELAIS_INSIGHTS_SUMMARY = use_summary
    rng = random.Random(7)
    random_city(rng, dpe, dfpe)
    for _ in range(6):
        site = SiteFactory(direction=dpe, latitude=48.8 + rng.random() / 10, longitude=2.3 + rng.random() / 10)
        for _ in range(rng.randint(1, 4)):
            ToolAccountFactory(agent=AgentFactory(direction=dpe, site=site), provisioned_on=D(2025, 1, 1))
    user, tool = users["coordinator"], Tool.objects.get(code=MAILBOX)
    full = adoption.adoption_dashboard(user=user, tool=tool)
    page = adoption.adoption_dashboard(user=user, tool=tool, keep_sites=(3, 2))
    assert page.sites_count == full.sites_count == len(full.breakdowns["site"])
    assert page.located_sites == len(full.sites)
    largest = sorted(full.sites, key=lambda p: -p.figures.agents)[:3]
    assert sorted(page.sites, key=lambda p: -p.figures.agents)[:3] == largest
    waiting = sorted(full.breakdowns["site"], key=lambda f: (-f.to_activate, f.label))[:2]
    assert sorted(page.breakdowns["site"], key=lambda f: (-f.to_activate, f.label))[:2] == waiting
    assert page.total == full.total


def _activated_on_the_page(client, user) -> tuple[str, bool]:
    import re

    from django.urls import reverse

    client.force_login(user)
    html = client.get(reverse("insights:adoption")).content.decode()
    return re.search(r'data-testid="activated">(\d+)<', html).group(1), 'data-testid="behind"' in html


def test_when_rebuilding_is_slow_pages_read_the_last_summary_and_say_so(client, settings, city, users):
    """At 2,000,000 agents a rebuild takes 16 s: rather than wait, the page reads the summary built earlier
    today, says when it was built and queues the rebuild; once the worker has run it, the page is exact."""
    from django.core.cache import cache
    from django_tasks import default_task_backend

    from relais.insights import tasks

    cache.clear()  # (the readers queue at most one rebuild a minute: forget other tests' requests)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.RELAIS_INSIGHTS_WAIT_SECONDS = 2
    user = users["coordinator"]
    summary.ensure_fresh()
    assert _activated_on_the_page(client, user) == ("3", False)
    SummaryState.objects.filter(pk=1).update(seconds=16)  # as the last rebuild took at that scale
    first_sign_in_today(user, city["a3"])
    assert _activated_on_the_page(client, user) == ("3", True)  # a3's activation is not counted yet, and it says so
    assert 'data-testid="behind"' in client.get("/").content.decode()  # the home page says so too
    assert [r.task.name for r in default_task_backend.results] == ["summary_refresh"]
    assert _activated_on_the_page(client, user) == ("3", True)
    assert len(default_task_backend.results) == 1  # one rebuild queued, not one per request
    assert tasks.summary_refresh.call() is True  # what the worker runs
    assert _activated_on_the_page(client, user) == ("4", False)


def test_a_summary_too_far_behind_is_rebuilt_by_the_request(client, settings, city, users):
    """Without a worker, no page reads a summary more than ten minutes behind: the request rebuilds and waits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = users["coordinator"]
    summary.ensure_fresh()
    long_ago = timezone.now() - summary.MAX_BEHIND - datetime.timedelta(seconds=1)
    SummaryState.objects.filter(pk=1).update(seconds=16, built_at=long_ago)
    first_sign_in_today(user, city["a3"])
    assert _activated_on_the_page(client, user) == ("4", False)
    assert summary.is_fresh()


def test_a_ticket_leaves_the_summary_fresh_but_moves_memoised_figures(settings, city, users):
    """Helpdesk entries cannot move adoption figures: no rebuild. They still change the memo's key."""
    from relais.helpdesk import services as helpdesk
    from relais.helpdesk.enums import Channel

    summary.ensure_fresh()
    before = summary.check()
    ticket = helpdesk.ticket_create(
        acting_user=users["coordinator"], channel=Channel.PHONE, subject="Code oublié", requester=city["a1"]
    )
    helpdesk.ticket_add_note(acting_user=users["coordinator"], ticket=ticket, body="Rappeler demain.")
    after = summary.check()
    assert summary.is_fresh() and after.built_at == before.built_at  # not rebuilt
    assert after.mark != before.mark
    agent_update(agent=Agent.objects.get(pk=city["a3"].pk), acting_user=users["coordinator"], job_title="Chef")
    assert not summary.is_fresh()


AREAS_IGNORED = ("helpdesk", "interventions", "knowledge", "findings")
COUNTED = ("agents", "adoption", "fieldwork", "organisation")
WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "save"}


def test_the_areas_whose_entries_are_ignored_write_nothing_the_summary_counts():
    """`summary.IGNORED` holds only if those areas never call the counted areas' services nor write their
    models: a new such write must move the area out of IGNORED, or its figures would go stale."""
    import ast
    from pathlib import Path

    assert tuple(f"{area}." for area in AREAS_IGNORED) == summary.IGNORED
    root = Path(summary.__file__).resolve().parent.parent
    offences = []
    for area in AREAS_IGNORED:
        for path in (root / area).rglob("*.py"):
            if path.name == "demo.py" or "migrations" in path.parts:
                continue  # (the demo builds its data in bulk on purpose; migrations write their own tables)
            tree = ast.parse(path.read_text())
            counted_models = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if len(parts) == 3 and parts[0] == "relais" and parts[1] in COUNTED:
                        if parts[2] == "services":
                            offences.append(f"{path.name} imports {node.module}")
                        if parts[2] == "models":
                            counted_models |= {alias.asname or alias.name for alias in node.names}
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                    chain = ast.unparse(node.func.value)
                    if chain.split(".")[0] in counted_models:
                        offences.append(f"{path.name}: {ast.unparse(node.func)}")
    assert offences == []


def spy_on_rebuilds(monkeypatch) -> list:
    """From now on, the `directions` of every rebuild (None: everything), in order; `rebuild.__wrapped__` rebuilds
    without being counted."""
    whole, asked = summary.rebuild, []

    def rebuild(day, directions=None):
        asked.append(directions)
        return whole(day, directions)

    rebuild.__wrapped__ = whole
    monkeypatch.setattr(summary, "rebuild", rebuild)
    return asked


def _summary_rows() -> dict[str, list[tuple]]:
    from relais.insights.models import AdoptionCell, AdoptionGroup, AdoptionPlace, TrendStep

    return {
        model.__name__: sorted(
            model.objects.values_list(*[f.attname for f in model._meta.concrete_fields if f.name != "id"]),
            key=repr,
        )
        for model in (AdoptionCell, AdoptionGroup, AdoptionPlace, TrendStep)
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_refresh_of_the_directions_moved_equals_a_whole_rebuild(users, dpe, dfpe, seed, monkeypatch):
    """After an observation, an agent's change within their direction, a participant on a sheet or a visit
    deleted, only the directions concerned are recomputed — and the summary is what a whole rebuild gives."""
    from relais.fieldwork import services as fieldwork
    from tests.fieldwork.factories import ActivityFactory

    rng = random.Random(seed)
    random_city(rng, dpe, dfpe)
    user = users["coordinator"]
    # The sheets first: a new site changes the sites' token, which rebuilds everything.
    sheets = [
        ActivityFactory(visit__site=SiteFactory(direction=d), visit__date=timezone.localdate()) for d in (dpe, dfpe)
    ]
    summary.ensure_fresh()
    asked = spy_on_rebuilds(monkeypatch)
    agents = list(Agent.objects.order_by("pk"))
    for step in range(8):
        agent = Agent.objects.get(pk=rng.choice(agents).pk)
        activity = sheets[0]
        moved = [agent.direction_id]
        if step % 4 == 0:
            first_sign_in_today(user, agent)
        elif step % 4 == 1:
            other = rng.choice([c for c in Category.values if c != agent.category])
            agent_update(agent=agent, acting_user=user, category=other)
        elif step % 4 == 2:
            fieldwork.participant_add(activity=activity, acting_user=user, agent=agent)
        else:
            moved = sorted({p.agent.direction_id for p in activity.participations.all()})
            fieldwork.visit_delete(visit=activity.visit, acting_user=user)
            sheets.pop(0)
        assert summary.ensure_fresh()
        assert asked[-1] == moved  # those directions only
        partial = _summary_rows()
        summary.rebuild.__wrapped__(timezone.localdate())
        assert _summary_rows() == partial


def test_the_summary_is_rebuilt_whole_when_an_agent_changes_direction_or_entries_come_late(
    settings, users, city, dfpe, monkeypatch
):
    user = users["coordinator"]
    summary.ensure_fresh()
    asked = spy_on_rebuilds(monkeypatch)
    agent_update(agent=Agent.objects.get(pk=city["a1"].pk), acting_user=user, direction=dfpe)
    summary.ensure_fresh()
    assert asked == [None]  # its former direction is not known from the journal: everything
    # As if a transaction had committed after a later one: the entries up to the last one seen differ.
    first_sign_in_today(user, city["a3"])
    SummaryState.objects.filter(pk=1).update(journal_window=SummaryState.objects.get().journal_window - 1)
    summary.ensure_fresh()
    assert asked == [None, None]
    via_summary, direct = both(settings, user)
    assert via_summary == direct


def test_a_small_import_refreshes_the_directions_of_its_agents_only(users, city, dpe, monkeypatch):
    """An import's own record names no agent; the entries of the agents it changed do."""
    from relais.imports.enums import ImportKind, ImportStatus
    from relais.imports.services import import_file

    summary.ensure_fresh()
    asked = spy_on_rebuilds(monkeypatch)
    a1 = city["a1"]
    data = f"Matricule;Nom;Prénom;Direction;Grade\n{a1.matricule};{a1.last_name};{a1.first_name};{dpe.code};Chef\n"
    run = import_file(acting_user=users["coordinator"], kind=ImportKind.AGENTS, file_name="x.csv", data=data.encode())
    assert run.status == ImportStatus.APPLIED and run.count_updated == 1
    assert summary.ensure_fresh()
    assert asked == [[dpe.pk]]
