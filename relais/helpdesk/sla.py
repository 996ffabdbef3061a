"""SLA bookkeeping for tickets: load the configured calendar and targets, recompute a ticket's deadlines.

Rules (DOMAIN.md §7):
- first response is due `first_response_minutes` business minutes after creation; a call or a walk-in is
  itself the first response (a person answered the agent);
- resolution is due `resolution_minutes` business minutes after creation, plus the business time during
  which the clock was stopped (waiting for the agent or a third party, or resolved before a reopening);
- the queue's `due_at` is the nearest deadline still running, `warn_at` when `warning_percent` of it is used.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from relais.helpdesk.business_hours import BusinessCalendar
from relais.helpdesk.enums import PAUSED_STATUSES, Priority, SlaState, Status
from relais.helpdesk.models import BusinessHours, ClosedDay, HelpdeskSettings, SlaTarget

CLOCK_STOPPED = frozenset({*PAUSED_STATUSES, Status.RESOLVED})
FINAL = frozenset({Status.CLOSED, Status.DUPLICATE})

# Used when an administrator has not configured targets for a priority (business minutes).
DEFAULT_TARGETS = {
    Priority.URGENT: (30, 4 * 60),
    Priority.HIGH: (60, 9 * 60),
    Priority.NORMAL: (4 * 60, 18 * 60),
    Priority.LOW: (9 * 60, 45 * 60),
}


@dataclass(frozen=True)
class SlaConfig:
    calendar: BusinessCalendar
    targets: dict[str, tuple[int, int]]  # priority -> (first response, resolution) in business minutes
    warning_percent: int = 80


def load_config() -> SlaConfig:
    """The configured opening hours, closed days, targets and warning threshold (three small queries)."""
    periods = list(BusinessHours.objects.values_list("weekday", "opens_at", "closes_at"))
    if not periods:
        periods = [(d, datetime.time(8, 30), datetime.time(17, 30)) for d in range(5)]
    calendar = BusinessCalendar.build(
        periods,
        tz=settings.TIME_ZONE,
        extra_closed=ClosedDay.objects.values_list("day", flat=True),
        holidays_subdiv=settings.RELAIS_HOLIDAYS_SUBDIV,
    )
    targets = dict(DEFAULT_TARGETS)
    for priority, first, resolution in SlaTarget.objects.values_list(
        "priority", "first_response_minutes", "resolution_minutes"
    ):
        targets[priority] = (first, resolution)
    return SlaConfig(calendar=calendar, targets=targets, warning_percent=HelpdeskSettings.current().warning_percent)


def _minutes(value: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=value)


def stop_clock(ticket, now: datetime.datetime) -> None:
    if ticket.clock_stopped_at is None:
        ticket.clock_stopped_at = now


def restart_clock(ticket, now: datetime.datetime, config: SlaConfig) -> None:
    if ticket.clock_stopped_at is not None:
        stopped = config.calendar.between(ticket.clock_stopped_at, now)
        ticket.paused_seconds += int(stopped.total_seconds())
        ticket.clock_stopped_at = None


def refresh(ticket, config: SlaConfig) -> None:
    """Recompute the stored deadlines of `ticket` from its state (call after any change of status or priority)."""
    cal = config.calendar
    first_target, resolution_target = config.targets[ticket.priority]
    start = ticket.created_at
    ticket.first_response_due_at = cal.add(start, _minutes(first_target))
    paused = datetime.timedelta(seconds=ticket.paused_seconds)
    if ticket.status in FINAL or (ticket.status == Status.RESOLVED and ticket.resolution_due_at is not None):
        # Keep the deadline that applied when the ticket was resolved: the compliance figures compare with it.
        resolution_due = ticket.resolution_due_at
    elif ticket.clock_stopped_at is not None and ticket.status != Status.RESOLVED:
        resolution_due = None
    else:
        resolution_due = cal.add(start, _minutes(resolution_target) + paused)
    ticket.resolution_due_at = resolution_due

    candidates = []
    if ticket.is_open and ticket.first_responded_at is None:
        warn = cal.add(start, _minutes(first_target * config.warning_percent / 100))
        candidates.append((ticket.first_response_due_at, warn))
    if ticket.is_open and ticket.clock_stopped_at is None and resolution_due is not None:
        warn = cal.add(start, _minutes(resolution_target * config.warning_percent / 100) + paused)
        candidates.append((resolution_due, warn))
    if candidates:
        ticket.due_at, ticket.warn_at = min(candidates)
    else:
        ticket.due_at = ticket.warn_at = None


def state(ticket, now: datetime.datetime) -> SlaState:
    """What the queue shows for a ticket at `now` (text, never colour only)."""
    if not ticket.is_open:
        return SlaState.NONE
    if ticket.due_at is None:
        return SlaState.PAUSED if ticket.clock_stopped_at is not None else SlaState.NONE
    if now >= ticket.due_at:
        return SlaState.BREACHED
    if ticket.warn_at is not None and now >= ticket.warn_at:
        return SlaState.WARNING
    return SlaState.OK
