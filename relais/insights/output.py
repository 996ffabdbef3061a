"""What the mediators did over a period: visits, activities, agents met, hours, topics, outcomes, follow-ups.

Counting rules (DOMAIN.md §5): a workshop of 10 counts 10 accompaniments; agents are counted distinct
(an unmatched walk-in counts as one person); cancelled visits count for nothing; a visit made by two
mediators counts once in totals and once for each mediator in the per-mediator table. Agents per
visit = distinct people met ÷ visits (the reference case's "2,070 agents during 480 visits ≈ 4.3").
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from relais.fieldwork.enums import ActivityKind, Autonomy, Redirection, VisitStatus
from relais.fieldwork.models import Activity, Participation, Visit
from relais.insights.memo import memoised
from relais.insights.tables import Column, Table
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def month_label(key: tuple[int, int]) -> str:
    return f"{MONTHS[key[1] - 1]} {key[0]}"


@dataclass
class Tally:
    """Figures of one group: visits and activities (sets of ids), people met, minutes, outcomes."""

    visits: set = field(default_factory=set)
    activities: set = field(default_factory=set)
    agents: set = field(default_factory=set)
    walk_ins: int = 0
    accompaniments: int = 0
    minutes: int = 0
    activations: int = 0

    @property
    def people(self) -> int:
        return len(self.agents) + self.walk_ins

    @property
    def per_visit(self) -> float | None:
        return self.people / len(self.visits) if self.visits else None

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass
class Output:
    start: datetime.date
    end: datetime.date
    total: Tally
    by_mediator: dict[str, Tally]
    by_direction: dict[str, Tally]
    by_site_kind: dict[str, Tally]
    by_month: dict[tuple[int, int], Tally]
    topics: list[tuple[str, int, int]]  # name, activities, accompaniments
    outcomes: list[tuple[str, int]]
    followups: dict[str, int]


def output(*, user, start: datetime.date, end: datetime.date) -> Output:
    """The field-work output between `start` and `end` (included) that `user` may see, memoised."""

    def compute():
        visits = (
            Visit.objects.visible_to(user)
            .exclude(status=VisitStatus.CANCELLED)
            .filter(date__gte=start, date__lte=end)
            .order_by()
        )
        visit_rows = {pk: (d, kind) for pk, d, kind in visits.values_list("pk", "date", "site__kind")}
        mediators_of = defaultdict(list)
        names = {u.pk: (u.get_full_name() or u.username) for u in get_user_model().objects.filter(role="mediator")}
        for visit_id, user_id in Visit.mediators.through.objects.filter(visit__in=visits.values("pk")).values_list(
            "visit_id", "user_id"
        ):
            mediators_of[visit_id].append(names.get(user_id) or f"Utilisateur {user_id}")
        activities = Activity.objects.alive().filter(visit__in=visits.values("pk")).order_by()
        activity_rows = {
            pk: (v, kind, minutes)
            for pk, v, kind, minutes in activities.values_list("pk", "visit_id", "kind", "duration_minutes")
        }
        topic_names = defaultdict(list)
        for activity_id, name in Activity.topics.through.objects.filter(
            activity__in=activities.values("pk")
        ).values_list("activity_id", "topic__name"):
            topic_names[activity_id].append(name)
        participations = Participation.objects.visible_to(user).filter(activity__in=activities.values("pk")).order_by()
        directions = {d.pk: f"{d.code} — {d.name}" for d in Direction.objects.only("code", "name")}
        kinds = dict(SiteKind.choices)

        total = Tally()
        by_mediator, by_direction = defaultdict(Tally), defaultdict(Tally)
        by_site_kind, by_month = defaultdict(Tally), defaultdict(Tally)

        def groups(visit_id):
            d, kind = visit_rows[visit_id]
            yield total
            yield by_site_kind[kinds.get(kind, "Autre")]
            yield by_month[(d.year, d.month)]
            for name in mediators_of.get(visit_id, []):
                yield by_mediator[name]

        for activity_id, (visit_id, _kind, minutes) in activity_rows.items():
            for tally in groups(visit_id):
                tally.visits.add(visit_id)
                tally.activities.add(activity_id)
                tally.minutes += minutes
        topic_counts = defaultdict(lambda: [0, 0])
        for topic_list in topic_names.values():
            for name in topic_list:
                topic_counts[name][0] += 1
        outcome_counts = defaultdict(int)
        followups = {"demandés": 0, "faits": 0, "ouverts": 0}
        autonomy_labels, redirection_labels = dict(Autonomy.choices), dict(Redirection.choices)
        for (
            activity_id,
            agent_id,
            direction_id,
            activated,
            reset,
            autonomy,
            f_needed,
            f_done,
            redirected,
        ) in participations.values_list(
            "activity_id",
            "agent_id",
            "direction_id",
            "mailbox_activated",
            "password_reset",
            "autonomy",
            "followup_needed",
            "followup_done_on",
            "redirected_to",
        ):
            visit_id = activity_rows[activity_id][0]
            direction = directions.get(direction_id, "Direction non renseignée")
            for tally in (*groups(visit_id), by_direction[direction]):
                tally.accompaniments += 1
                tally.activations += int(activated)
                if agent_id is None:
                    tally.walk_ins += 1
                else:
                    tally.agents.add(agent_id)
            by_direction[direction].visits.add(visit_id)
            for name in topic_names.get(activity_id, []):
                topic_counts[name][1] += 1
            outcome_counts["Messagerie activée pendant la séance"] += int(activated)
            outcome_counts["Mot de passe réinitialisé"] += int(reset)
            if autonomy:
                outcome_counts[f"Autonomie : {autonomy_labels.get(autonomy, autonomy).lower()}"] += 1
            if redirected:
                outcome_counts[f"Orienté vers : {redirection_labels.get(redirected, redirected).lower()}"] += 1
            if f_needed:
                followups["demandés"] += 1
                followups["faits" if f_done else "ouverts"] += 1
        apps = Participation.apps_installed.through.objects.filter(
            participation__in=participations.values("pk")
        ).count()
        outcome_counts["Application installée"] = apps
        outcomes = sorted(outcome_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        topics = sorted(((name, a, p) for name, (a, p) in topic_counts.items()), key=lambda t: (-t[2], t[0]))
        return Output(
            start=start,
            end=end,
            total=total,
            by_mediator=dict(sorted(by_mediator.items())),
            by_direction=dict(sorted(by_direction.items())),
            by_site_kind=dict(sorted(by_site_kind.items(), key=lambda kv: -kv[1].people)),
            by_month=dict(sorted(by_month.items())),
            topics=topics,
            outcomes=outcomes,
            followups=followups,
        )

    return memoised("output", user=user, params=(start, end), compute=compute)


KIND_LABELS = dict(ActivityKind.choices)


def _tally_columns(first: str, *, people_is_size: bool = True) -> list[Column]:
    return [
        Column(first),
        Column("Visites", "int"),
        Column("Activités", "int"),
        Column("Accompagnements", "int"),
        Column("Agents distincts", "int", is_size=people_is_size),
        Column("Agents par visite", "number"),
        Column("Heures", "number"),
        Column("Messageries activées", "int"),
    ]


def _tally_row(label, t: Tally) -> list:
    return [
        label,
        len(t.visits),
        len(t.activities),
        t.accompaniments,
        t.people,
        t.per_visit,
        t.hours,
        t.activations,
    ]


def output_tables(out: Output, *, with_mediators: bool) -> dict[str, Table]:
    period = f"du {out.start:%d/%m/%Y} au {out.end:%d/%m/%Y}"
    tables = {
        "output-total": Table(
            "output-total",
            f"Activité des médiateurs {period}",
            _tally_columns("Période"),
            [_tally_row(period, out.total)],
        ),
        "output-month": Table(
            "output-month",
            f"Activité par mois {period}",
            _tally_columns("Mois"),
            [_tally_row(month_label(k), t) for k, t in out.by_month.items()],
        ),
        "output-direction": Table(
            "output-direction",
            f"Agents accompagnés par direction {period}",
            [
                Column("Direction"),
                Column("Visites", "int"),
                Column("Accompagnements", "int"),
                Column("Agents distincts", "int", is_size=True),
                Column("Messageries activées", "int"),
            ],
            [[k, len(t.visits), t.accompaniments, t.people, t.activations] for k, t in out.by_direction.items()],
            note="Direction de l'agent le jour de la rencontre ; visites où un agent de la direction a été vu.",
            partition=True,
        ),
        "output-site-kind": Table(
            "output-site-kind",
            f"Activité par type de site {period}",
            _tally_columns("Type de site"),
            [_tally_row(k, t) for k, t in out.by_site_kind.items()],
        ),
        "output-topic": Table(
            "output-topic",
            f"Thèmes abordés {period}",
            [Column("Thème"), Column("Activités", "int"), Column("Accompagnements", "int", is_size=True)],
            [list(t) for t in out.topics],
        ),
        "output-outcome": Table(
            "output-outcome",
            f"Résultats des accompagnements {period}",
            [Column("Résultat"), Column("Accompagnements", "int", is_size=True), Column("Part", "rate")],
            [[k, v, v / out.total.accompaniments if out.total.accompaniments else None] for k, v in out.outcomes],
            partition=True,
        ),
        "output-followup": Table(
            "output-followup",
            f"Suivis à prévoir {period}",
            [Column("Suivis"), Column("Nombre", "int")],
            [
                ["Demandés", out.followups["demandés"]],
                ["Faits", out.followups["faits"]],
                ["Encore ouverts", out.followups["ouverts"]],
            ],
        ),
    }
    if with_mediators:
        tables["output-mediator"] = Table(
            "output-mediator",
            f"Activité par médiateur {period}",
            _tally_columns("Médiateur", people_is_size=False),
            [_tally_row(k, t) for k, t in out.by_mediator.items()],
            note="Une visite faite à deux compte pour chacun des deux.",
        )
    return tables
