"""The demo's diagnostics: sessions taken at sites (anonymous), and some with a mediator, attached to the agent.

Called by `manage.py demo_data` (`relais.demo.context`); bulk inserts only, one journal entry. About 1 % of the
agents in post at a site took it (at most 2,000 sessions); each session is a real run of the engine on the bank,
the agent answering by the 2PL with an ability lower when they use no computer at work. A quarter of the
sessions were run by a mediator, and two thirds of those attached to the agent with their agreement.
"""

import datetime
import json

import numpy as np
from django.db import connection

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.models import Agent
from relais.demo import bulk
from relais.demo.services import journal_demo_load
from relais.diagnostic import cat
from relais.diagnostic.models import Answer, Choice, Session
from relais.diagnostic.services import bank_items, scales

SHARE, CAP = 0.01, 2000
SESSION_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "direction", "site", "mediator", "agent", "agreement_at",
    "finished_at", "theta", "standard_error", "items_count", "bands",
]  # fmt: skip
ANSWER_FIELDS = ["session", "item", "position", "choice", "is_correct", "theta_after", "se_after", "answered_at"]


def build(ctx) -> None:
    from relais.fieldwork.demo import _uuid

    bank, cuts = bank_items(), scales()
    agents = list(
        Agent.objects.in_post(ctx.as_of)
        .filter(site__isnull=False)
        .order_by("pk")
        .values_list("pk", "direction_id", "site_id", "uses_computer")
    )
    mediators = list(
        User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    if not bank or not agents:
        return
    choices: dict[int, tuple[int, list[int]]] = {}
    for item_id, choice_id, right in Choice.objects.values_list("item_id", "pk", "is_correct"):
        good, bad = choices.get(item_id, (None, []))
        choices[item_id] = (choice_id, bad) if right else (good, [*bad, choice_id])
    rng = ctx.rng
    np_rng = np.random.default_rng(rng.getrandbits(32))
    adapt = connection.ops.adapt_datetimefield_value
    session_id, sessions, answers, attached = bulk.next_id(Session), [], [], 0
    for agent_id, direction_id, site_id, uses_computer in rng.sample(
        agents, min(CAP, max(1, int(len(agents) * SHARE)))
    ):
        theta = rng.gauss(0.6 if uses_computer else -0.5, 0.9)
        estimate, responses = cat.run(
            bank, lambda item, t=theta: np_rng.random() < cat.probability(t, item.a, item.b), np_rng
        )
        day = ctx.as_of - datetime.timedelta(days=rng.randrange(1, 150))
        at = datetime.datetime.combine(day, datetime.time(7 + rng.randrange(9), rng.randrange(60)), datetime.UTC)
        mediator = rng.choice(mediators) if mediators and rng.random() < 0.25 else None
        agent = agent_id if mediator and rng.random() < 2 / 3 else None
        attached += agent is not None
        partial = responses
        for position, (item, right) in enumerate(partial):
            step = cat.estimate(partial[: position + 1])
            good, bad = choices[item.key]
            choice = good if right else (rng.choice(bad) if rng.random() < 0.6 else None)  # else "Je ne sais pas"
            answers.append(
                (session_id, item.key, position, choice, right, round(step.theta, 4), round(step.se, 4),
                 adapt(at + datetime.timedelta(seconds=25 * (position + 1))))
            )  # fmt: skip
        finished = adapt(at + datetime.timedelta(seconds=25 * len(responses) + 10))
        sessions.append(
            (session_id, _uuid(rng), adapt(at), finished, direction_id, site_id, mediator, agent,
             finished if agent else None, finished, round(estimate.theta, 4), round(estimate.se, 4), len(responses),
             json.dumps(cat.bands(estimate.theta, cuts)))
        )  # fmt: skip
        session_id += 1
    bulk.insert(Session, SESSION_FIELDS, sessions)
    bulk.insert(Answer, ANSWER_FIELDS, answers)
    bulk.reset_sequences(Session, Answer)
    summary = {"diagnostics": len(sessions), "reponses": len(answers), "rattaches": attached}
    journal_demo_load(action="demo.diagnostic", label="diagnostic", payload=summary)
    ctx.log(f"Diagnostic : {len(sessions)} passages ({attached} rattachés à l'agent avec son accord)")
