import datetime

import pytest
from django.core.management import call_command

from relais.diagnostic.evidence import diagnostic_evidence
from relais.diagnostic.models import Answer, Session
from relais.journal.models import Entry


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


@pytest.mark.django_db
def test_the_demo_has_diagnostics_some_attached_with_agreement():
    call_command("demo_data", agents=600, seed=2, as_of="2025-06-30", stdout=_Sink())
    sessions = Session.objects.all()
    assert sessions.count() >= 5 and not sessions.filter(finished_at__isnull=True).exists()
    assert all(1 <= s.items_count <= 12 and s.answers.count() == s.items_count for s in sessions)
    assert not sessions.filter(agent__isnull=False, agreement_at__isnull=True).exists()
    assert Answer.objects.filter(choice__isnull=True, is_correct=False).exists()  # some "Je ne sais pas"
    assert {e.source for e in diagnostic_evidence(datetime.date(2025, 6, 30))} == {"diagnostic"}
    assert Entry.objects.filter(action="demo.diagnostic").count() == 1
