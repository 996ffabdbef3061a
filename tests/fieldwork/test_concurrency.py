"""Two phones (or a phone and its outbox) sending the same entry at the same instant write it once.

On SQLite and PostgreSQL alike (the SQLite test database is a file, as in production).
"""

import threading
import uuid

import pytest
from django.db import connections

from relais.fieldwork import services
from relais.fieldwork.models import Participation, WriteReceipt
from tests.factories import DirectionFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, VisitFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_with_the_same_key_write_once():
    mediator = MediatorFactory()
    direction = DirectionFactory(code="DPE")
    activity = ActivityFactory(visit=VisitFactory(mediators=[mediator]))
    key = uuid.uuid4()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            written = services.participant_add(
                activity=activity, acting_user=mediator, direction=direction, category="C", idempotency_key=key
            )
            results.append(written)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.obj.pk for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert Participation.objects.filter(activity=activity).count() == 1
    assert WriteReceipt.objects.filter(key=key).count() == 1
