import importlib

import pytest


@pytest.fixture(autouse=True)
def bank(request):
    """The tools, topics, guides, CRCN and item bank, seeded again when a live-server test emptied the tables."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("db") if "transactional_db" not in request.fixturenames else None
    from django.apps import apps

    from relais.diagnostic.bank import load_bank
    from relais.diagnostic.models import Item

    if not Item.objects.exists():
        for module in (
            "relais.adoption.migrations.0002_tool_catalogue",
            "relais.knowledge.migrations.0002_topic_catalogue",
            "relais.knowledge.migrations.0003_seed_guides",
            "relais.skills.migrations.0002_crcn_reference",
        ):
            importlib.import_module(module).forwards(apps, None)
        load_bank(apps)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test counts its own sessions per address (the test cache lives as long as the process)."""
    from django.core.cache import cache

    cache.clear()
