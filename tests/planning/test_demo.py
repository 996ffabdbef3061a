import datetime

import pytest
from django.core.management import call_command

from relais.planning.models import Plan

AS_OF = datetime.date(2026, 12, 2)  # a Wednesday


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.mark.django_db(transaction=False)
def test_demo_arrives_with_this_week_and_next_week_planned(client):
    call_command("demo_data", agents=1500, seed=1, as_of=AS_OF.isoformat(), stdout=_Sink())
    monday = datetime.date(2026, 11, 30)
    plans = {p.week_start: p for p in Plan.objects.all()}
    assert set(plans) == {monday, monday + datetime.timedelta(days=7)}
    for plan in plans.values():
        visits = list(plan.visits.select_related("mediator"))
        assert visits and plan.agents_reached == sum(v.expected_agents for v in visits) > 0
        assert plan.agents_reached >= plan.greedy_agents
        assert all(v.mediator.role == "mediator" for v in visits)
    # This week is confirmed: field-work visits, in the mediators' day and calendar feed; next week a draft.
    assert plans[monday].status == "confirmed" and plans[monday + datetime.timedelta(days=7)].status == "draft"
    visit = plans[monday].visits.select_related("mediator").first()
    assert visit.fieldwork_visit is not None
    from relais.planning import services

    feed = services.calendar_feed_issue(acting_user=None, user=visit.mediator)
    ics = client.get(f"/planification/agenda/{feed.token}.ics").content.decode()
    assert f"Visite : {visit.site.name}" in ics
