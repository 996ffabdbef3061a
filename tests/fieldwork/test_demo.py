import datetime

import pytest

from relais.adoption.models import ToolAccount
from relais.demo.services import demo_load
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.models import Participation, Visit
from relais.journal.models import Entry

AS_OF = datetime.date(2026, 6, 15)


@pytest.mark.django_db
def test_demo_field_work_is_consistent():
    demo_load(agents=3000, seed=3, as_of=AS_OF)
    visits = Visit.objects.all()
    assert 20 <= visits.filter(status=VisitStatus.DONE).count() <= 40  # 480 per 50,000 agents
    # The history ends today; later visits are only the next week's confirmed plan, not yet held.
    future = visits.filter(date__gt=AS_OF)
    assert future.exists() and not future.filter(planned_visit__isnull=True).exists()
    assert set(future.values_list("status", flat=True)) == {VisitStatus.PLANNED}
    assert not Participation.objects.filter(activity__visit__in=future).exists()
    visits = visits.filter(date__lte=AS_OF)
    assert visits.filter(date=AS_OF, status=VisitStatus.PLANNED).count() == 10  # one per mediator today
    parts = Participation.objects.filter(agent__isnull=False)
    # Agents are met where they work, but for a few sitting in on a workshop at another direction's site
    # (already met at their own site, so the distinct figures do not move).
    guests = parts.exclude(agent__site=models_f("activity__visit__site"))
    assert guests.exists()
    assert not guests.exclude(activity__kind="workshop").exists()
    assert not guests.filter(agent__direction=models_f("activity__visit__site__direction")).exists()
    assert not guests.exclude(agent__participations__activity__visit__site=models_f("agent__site")).exists()
    met = set(parts.values_list("agent_id", flat=True))
    per_visit = len(met) / visits.filter(status=VisitStatus.DONE).count()
    assert 3.5 <= per_visit <= 5.5
    mailboxes = ToolAccount.objects.filter(tool__code="messagerie").exclude(disabled_on__lte=AS_OF)
    met_rate = (
        mailboxes.filter(agent_id__in=met, activated_on__lte=AS_OF).count() / mailboxes.filter(agent_id__in=met).count()
    )
    other = mailboxes.exclude(agent_id__in=met)
    other_rate = other.filter(activated_on__lte=AS_OF).count() / other.count()
    assert met_rate > other_rate + 0.2
    # Every activation recorded in a session reached the adoption history on the session day.
    for p in parts.filter(mailbox_activated=True).select_related("activity__visit")[:50]:
        account = ToolAccount.objects.get(agent=p.agent, tool__code="messagerie")
        assert account.activated_on <= p.activity.visit.date
    assert Entry.objects.filter(action="demo.fieldwork").count() == 1


def models_f(path):
    from django.db.models import F

    return F(path)
