import datetime
from html import unescape

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
    # "Mes visites" shows the drafts to the mediator.
    visit = plans[monday].visits.select_related("mediator").first()
    client.force_login(visit.mediator)
    assert visit.site.name in unescape(client.get("/planification/mes-visites/").content.decode())
