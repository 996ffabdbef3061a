"""Figures of the assistance line over a period, for the team and the insights area.

Tickets are counted by creation date, duplicates left out (they are not distinct problems).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from relais.helpdesk.enums import Channel, Status
from relais.helpdesk.models import Survey, Ticket


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class HelpdeskStatistics:
    start: datetime.date
    end: datetime.date
    total: int = 0
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_topic: list[tuple[str, int]] = field(default_factory=list)
    first_contact: int = 0
    first_response_measured: int = 0
    first_response_met: int = 0
    resolution_measured: int = 0
    resolution_met: int = 0
    open_breached: int = 0
    surveys_sent: int = 0
    surveys_answered: int = 0
    satisfaction_average: float | None = None
    satisfaction_by_mark: list[tuple[int, int]] = field(default_factory=list)
    top_by_direction: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)

    @property
    def first_contact_rate(self):
        return _rate(self.first_contact, self.total)

    @property
    def first_response_rate(self):
        return _rate(self.first_response_met, self.first_response_measured)

    @property
    def resolution_rate(self):
        return _rate(self.resolution_met, self.resolution_measured)

    @property
    def survey_response_rate(self):
        return _rate(self.surveys_answered, self.surveys_sent)


def helpdesk_statistics(*, user, start: datetime.date, end: datetime.date, top: int = 3) -> HelpdeskStatistics:
    """Volumes by channel and topic, first-contact resolution, SLA compliance, satisfaction and the most
    frequent problems by direction, for tickets `user` may see created from `start` to `end` included."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    tickets = (
        Ticket.objects.visible_to(user)
        .filter(created_at__gte=since, created_at__lt=until)
        .exclude(status=Status.DUPLICATE)
    )
    stats = HelpdeskStatistics(start=start, end=end)
    figures = tickets.aggregate(
        total=Count("pk"),
        first_contact=Count("pk", filter=Q(resolved_first_contact=True)),
        fr_measured=Count("pk", filter=Q(first_responded_at__isnull=False, first_response_due_at__isnull=False)),
        fr_met=Count("pk", filter=Q(first_responded_at__lte=F("first_response_due_at"))),
        res_measured=Count("pk", filter=Q(resolved_at__isnull=False, resolution_due_at__isnull=False)),
        res_met=Count("pk", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due_at"))),
        open_breached=Count("pk", filter=Q(due_at__lte=timezone.now())),
    )
    stats.total = figures["total"]
    stats.first_contact = figures["first_contact"]
    stats.first_response_measured, stats.first_response_met = figures["fr_measured"], figures["fr_met"]
    stats.resolution_measured, stats.resolution_met = figures["res_measured"], figures["res_met"]
    stats.open_breached = figures["open_breached"]
    labels = dict(Channel.choices)
    stats.by_channel = [
        (labels.get(row["channel"], row["channel"]), row["n"])
        for row in tickets.values("channel").annotate(n=Count("pk")).order_by("-n", "channel")
    ]
    stats.by_topic = [
        (row["category__name"] or "Sans thème", row["n"])
        for row in tickets.values("category__name").annotate(n=Count("pk")).order_by("-n", "category__name")
    ]
    surveys = Survey.objects.filter(ticket__in=tickets.values("pk"))
    stats.surveys_sent = surveys.filter(sent_at__isnull=False).count()
    answered = surveys.filter(rating__isnull=False)
    stats.surveys_answered = answered.count()
    stats.satisfaction_average = answered.aggregate(v=Avg("rating"))["v"]
    marks = dict(answered.values_list("rating").annotate(n=Count("pk")))
    stats.satisfaction_by_mark = [(mark, marks.get(mark, 0)) for mark in range(5, 0, -1)]
    grouped: dict[str, list[tuple[str, int]]] = defaultdict(list)
    rows = (
        tickets.values("direction__code", "category__name")
        .annotate(n=Count("pk"))
        .order_by("direction__code", "-n", "category__name")
    )
    for row in rows:
        bucket = grouped[row["direction__code"] or "Non identifiée"]
        if len(bucket) < top:
            bucket.append((row["category__name"] or "Sans thème", row["n"]))
    stats.top_by_direction = sorted(grouped.items())
    return stats
