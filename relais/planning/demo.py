"""The demo's plans: the current and the next week already drawn, so every planning screen shows a plan.

Called by `manage.py demo_data` after field work's history (`relais.demo.context`). Each week goes
through `services.plan_draw` like the coordinator's button, with a budget that scales with the demo's
size (10 s per week at 50,000 agents, the bound 5 s more), so the demo stays quick to build. The
current week stays a draft (its first days already hold field work's history); the next week is
confirmed, as a coordinator would on a Friday, so that its visits are planned field-work visits and
the mediators' calendar feeds and "Mes visites" show them on first run.
"""

import datetime

from relais.planning import services

SECONDS_PER_50K = 10.0


def build(ctx) -> None:
    monday = ctx.as_of - datetime.timedelta(days=ctx.as_of.weekday())
    budget = max(0.5, min(SECONDS_PER_50K, SECONDS_PER_50K * ctx.agents / 50_000))
    for week_start in (monday, monday + datetime.timedelta(days=7)):
        plan, outcome = services.plan_draw(
            acting_user=None, week_start=week_start, time_limit=budget, bound_time_limit=budget / 2
        )
        s = outcome.summary()
        ctx.log(f"Planning de la semaine du {week_start:%d/%m} : {s['visits']} visites, {s['agents_reached']} agents")
    services.plan_confirm(acting_user=None, plan=plan)
