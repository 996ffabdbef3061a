import importlib

import pytest


@pytest.fixture(autouse=True)
def crcn(request):
    """The CRCN and the tools' competences, seeded again when a live-server test of the session emptied the tables."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    from django.apps import apps

    from relais.skills.models import Competence

    if not Competence.objects.exists():
        importlib.import_module("relais.adoption.migrations.0002_tool_catalogue").forwards(apps, None)
        importlib.import_module("relais.skills.migrations.0002_crcn_reference").forwards(apps, None)
