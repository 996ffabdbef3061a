"""The mediators' output counted by hand: workshops count each participant, agents are distinct."""

import datetime
import io

import openpyxl
from django.urls import reverse

from relais.accounts.enums import Role
from relais.fieldwork.enums import ActivityKind, VisitStatus
from relais.insights.output import output, output_tables
from relais.knowledge.models import Topic
from relais.organisation.enums import SiteKind
from tests.factories import AgentFactory, SiteFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, ParticipationFactory, VisitFactory

D = datetime.date


def test_output_matches_hand_count(dpe, dfpe, users, client):
    """Visit 1 (10 Mar, depot, Ana + Ben): workshop 60 min (x, y, walk-in unmatched) + one-to-one 30 min (x again).
    Visit 2 (20 Apr, crèche, Ana): drop-in 90 min (z, mailbox activated, follow-up done; y, follow-up open).
    Cancelled visit (21 Apr): w — counts for nothing.
    Totals: 2 visits, 3 activities, 6 accompaniments, people x, y, z + 1 walk-in = 4, 2 per visit, 3 hours."""
    ana, ben = MediatorFactory(first_name="Ana", last_name="A"), MediatorFactory(first_name="Ben", last_name="B")
    depot = SiteFactory(kind=SiteKind.DEPOT_PROPRETE, direction=dpe)
    creche = SiteFactory(kind=SiteKind.CRECHE, direction=dfpe)
    x, y = AgentFactory(direction=dpe), AgentFactory(direction=dpe)
    z, w = AgentFactory(direction=dfpe), AgentFactory(direction=dfpe)
    v1 = VisitFactory(site=depot, date=D(2026, 3, 10), status=VisitStatus.DONE, mediators=[ana, ben])
    workshop = ActivityFactory(visit=v1, duration_minutes=60)
    topic = Topic.objects.create(code="messagerie-test", name="Activer sa messagerie (test)")
    workshop.topics.add(topic)
    one = ActivityFactory(visit=v1, kind=ActivityKind.ONE_TO_ONE, title="", level="", duration_minutes=30)
    ParticipationFactory(activity=workshop, agent=x)
    ParticipationFactory(activity=workshop, agent=y)
    ParticipationFactory(activity=workshop, agent=None, is_walk_in=True, direction=dpe)
    ParticipationFactory(activity=one, agent=x, password_reset=True)
    v2 = VisitFactory(site=creche, date=D(2026, 4, 20), status=VisitStatus.DONE, mediators=[ana])
    desk = ActivityFactory(visit=v2, kind=ActivityKind.DROP_IN, title="", level="", duration_minutes=90)
    ParticipationFactory(
        activity=desk, agent=z, mailbox_activated=True, followup_needed=True, followup_done_on=D(2026, 4, 30)
    )
    ParticipationFactory(activity=desk, agent=y, direction=dpe, followup_needed=True)
    cancelled = VisitFactory(site=creche, date=D(2026, 4, 21), status=VisitStatus.CANCELLED, mediators=[ana])
    ParticipationFactory(activity=ActivityFactory(visit=cancelled), agent=w)

    out = output(user=users[Role.COORDINATOR], start=D(2026, 1, 1), end=D(2026, 6, 30))
    t = out.total
    assert (len(t.visits), len(t.activities), t.accompaniments, t.people) == (2, 3, 6, 4)
    assert t.per_visit == 2 and t.hours == 3 and t.activations == 1
    ana_t, ben_t = out.by_mediator["Ana A"], out.by_mediator["Ben B"]
    assert (len(ana_t.visits), ana_t.people, ana_t.minutes) == (2, 4, 180)
    assert (len(ben_t.visits), ben_t.people, ben_t.minutes) == (1, 3, 90)
    assert {k: (t.accompaniments, t.people) for k, t in out.by_direction.items()} == {
        "DPE — Propreté et eau": (5, 3),
        "DFPE — Familles et petite enfance": (1, 1),
    }
    assert {k: t.people for k, t in out.by_month.items()} == {(2026, 3): 3, (2026, 4): 2}
    assert {k: len(t.visits) for k, t in out.by_site_kind.items()} == {"Dépôt de propreté": 1, "Crèche": 1}
    assert out.topics == [("Activer sa messagerie (test)", 1, 3)]
    assert out.followups == {"demandés": 2, "faits": 1, "ouverts": 1}
    assert dict(out.outcomes)["Mot de passe réinitialisé"] == 1

    # The export of the page holds the same figures.
    tables = output_tables(out, with_mediators=True)
    assert tables["output-total"].export_rows()[0][1:5] == ["2", "3", "6", "4"]
    client.force_login(users[Role.COORDINATOR])
    url = reverse("insights:table_export", args=["activite", "output-month", "xlsx"])
    response = client.get(url, {"debut": "2026-01-01", "fin": "2026-06-30"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:5] == ["mars 2026", "1", "2", "4", "3"]

    # HR (DPE) exports: groups under 5 people are hidden, and no per-mediator table is shared.
    client.force_login(users[Role.HR])
    response = client.get(
        reverse("insights:table_export", args=["activite", "output-direction", "csv"]),
        {"debut": "2026-01-01", "fin": "2026-06-30"},
    )
    text = response.content.decode("utf-8-sig")
    assert "< 5" in text and "DFPE" not in text
    response = client.get(reverse("insights:table_export", args=["activite", "output-mediator", "csv"]))
    assert response.status_code == 404
