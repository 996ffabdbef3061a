"""The extension point of `manage.py demo_data`: how later areas add their own demo history.

Contract
--------
After the base organisation is loaded (directions, services, sites with hours, agents, tool accounts
with a year of adoption history, mediators, one journal entry), `demo_data` looks, in INSTALLED_APPS
order, for a module ``<app>.demo`` in every ``relais.*`` app and, when it defines ``build(ctx)``, calls
it with a `DemoContext`:

- ``ctx.seed``, ``ctx.as_of`` (the demo's "today"), ``ctx.agents`` (the requested agent count),
  ``ctx.vendor`` ("sqlite" or "postgresql");
- ``ctx.rng``: a ``random.Random`` derived from the seed and the app label, so one area's draws never
  shift another's — use only it (never the global ``random``) and the demo stays deterministic;
- ``ctx.log(message)``: one line of progress for the operator (French).

A builder reads everything it needs from the database (agents, sites, mediators — users with the
mediator role), writes in bulk (`relais.demo.bulk.insert`: executemany on SQLite, COPY on
PostgreSQL; never one ORM save per row), dates its rows on or before ``ctx.as_of``, and records ONE
journal entry summarising what it loaded (`relais.demo.services.journal_demo_load`). Each builder runs
in its own transaction; it must stay fast (50,000 agents: a few seconds) and must work for any size,
from a few hundred agents (tests) to two million (PostgreSQL): no per-call work proportional to the
whole organisation inside a loop (e.g. ``rng.choices(sites, weights=…)`` recomputes the cumulative
weights on every call: compute ``cum_weights`` once).

The headline figures stay true whatever the builders add: 60 % of agents hold a mailbox and 37 % of
the mailboxes of agents in post are activated on ``ctx.as_of`` — the reference case's city-wide rate,
mediators' effect included. A builder may activate mailboxes (a mediator activating one during a
visit: add an observation with its own source, then `accounts_refresh`); after all builders,
`relais.demo.services.calibrate_activation` withdraws as many activations of the year from accounts no
area touched (accounts with an observation from a source other than ad/m365/demo are never changed).

Example (``relais/fieldwork/demo.py``)::

    def build(ctx):
        agents = list(Agent.objects.values_list("pk", "site_id"))
        ...
        ctx.log(f"Visites : {n} créées")
"""

import datetime
import importlib
import importlib.util
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

PROJECT_PACKAGE = "relais."


@dataclass(frozen=True)
class DemoContext:
    seed: int
    as_of: datetime.date
    agents: int
    vendor: str
    rng: random.Random
    log: Callable[[str], None]

    @classmethod
    def for_app(
        cls, label: str, *, seed: int, as_of: datetime.date, agents: int, vendor: str, log: Callable[[str], None]
    ) -> "DemoContext":
        return cls(seed=seed, as_of=as_of, agents=agents, vendor=vendor, rng=random.Random(f"{seed}:{label}"), log=log)


def discover_builders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(app label, build) for every project app, in INSTALLED_APPS order, whose `<app>.demo` defines `build`."""
    builders = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PACKAGE) or config.name == "relais.demo":
            continue
        module_name = f"{config.name}.demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        build = getattr(module, "build", None)
        if callable(build):
            builders.append((config.label, build))
    return builders
