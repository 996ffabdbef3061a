import datetime
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import timezone

from relais.planning.enums import PlanStatus
from relais.planning.models import CalendarFeed, Plan


def _this_wednesday():
    """The "Mes visites" page shows the current fortnight, so the demo is built as of this week's Wednesday."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() - 2)


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.mark.django_db(transaction=False)
def test_demo_arrives_with_this_week_and_next_week_planned(client):
    as_of = _this_wednesday()
    call_command("demo_data", agents=1500, seed=1, as_of=as_of.isoformat(), stdout=_Sink())
    monday = as_of - datetime.timedelta(days=2)
    plans = {p.week_start: p for p in Plan.objects.all()}
    assert set(plans) == {monday, monday + datetime.timedelta(days=7)}
    for plan in plans.values():
        visits = list(plan.visits.select_related("mediator"))
        assert visits and plan.agents_reached == sum(v.expected_agents for v in visits) > 0
        assert plan.agents_reached >= plan.greedy_agents
        assert all(v.mediator.role == "mediator" for v in visits)
    # This week is a draft (its first days are history); next week is confirmed into field-work visits.
    assert plans[monday].status == PlanStatus.DRAFT
    following = plans[monday + datetime.timedelta(days=7)]
    assert following.status == PlanStatus.CONFIRMED
    assert not following.visits.filter(fieldwork_visit__isnull=True).exists()
    # "Mes visites" shows the drafts to the mediator.
    visit = plans[monday].visits.select_related("mediator").first()
    client.force_login(visit.mediator)
    assert visit.site.name in unescape(client.get("/planification/mes-visites/").content.decode())
    # The mediator's calendar feed carries next week's visits.
    planned = following.visits.select_related("mediator", "site").first()
    feed = CalendarFeed.objects.create(user=planned.mediator, token=CalendarFeed.new_token())
    ics = client.get(f"/planification/agenda/{feed.token}.ics").content.decode()
    starts = {f"DTSTART:{v.date:%Y%m%d}" for v in following.visits.filter(mediator=planned.mediator)}
    assert starts and all(start in ics for start in starts)
