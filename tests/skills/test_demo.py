import datetime

import pytest
from django.core.management import call_command

from relais.accounts.enums import Role
from relais.journal.models import Entry
from relais.skills.models import PixParticipation
from relais.skills.profiles import skill_profiles
from tests.factories import UserFactory


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


@pytest.mark.django_db
def test_the_demo_has_pix_results_that_make_profiles():
    call_command("demo_data", agents=600, seed=2, as_of="2025-06-30", stdout=_Sink())
    shared = PixParticipation.objects.filter(is_shared=True, agent__isnull=False)
    assert shared.exists() and PixParticipation.objects.filter(agent__isnull=True).count() >= 0
    assert all(p.results.exists() for p in shared[:20])
    coordinator = UserFactory(username="coord-demo", role=Role.COORDINATOR)
    rows = skill_profiles(user=coordinator, today=datetime.date(2025, 6, 30))
    assert {r.tool for r in rows} >= {"messagerie", "badgeuse"}
    assert Entry.objects.filter(action="demo.skills").count() == 1
