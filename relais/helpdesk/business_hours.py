"""Business-time arithmetic: how much opening time lies between two instants, and when a target falls due.

Pure functions over a `BusinessCalendar` (weekly opening periods in local wall time, closed days such as
French public holidays). All instants are aware datetimes; the arithmetic runs in UTC so that the
DST changes of Europe/Paris neither add nor lose an hour (Python subtracts two datetimes sharing one
tzinfo by wall clock, which is wrong across a change).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UTC = datetime.UTC
ZERO = datetime.timedelta(0)
# No target is longer than a few weeks; a calendar with no opening day must not loop for ever.
MAX_DAYS = 3 * 366

Period = tuple[datetime.time, datetime.time]


@lru_cache(maxsize=4)
def french_holidays(subdiv: str | None = None) -> holidays.HolidayBase:
    """French public holidays (metropolitan by default; `subdiv` e.g. "57" adds Alsace-Moselle's)."""
    return holidays.country_holidays("FR", subdiv=subdiv)


@dataclass(frozen=True)
class BusinessCalendar:
    periods: Mapping[int, tuple[Period, ...]]  # weekday (Monday = 0) -> opening periods, wall time
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    is_closed: Callable[[datetime.date], bool] = field(default=lambda day: day in french_holidays())
    # Opening intervals per day, computed once per calendar (one is loaded per request or job).
    _days: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        periods: Iterable[tuple[int, datetime.time, datetime.time]],
        *,
        tz: str = "Europe/Paris",
        extra_closed: Iterable[datetime.date] = (),
        holidays_subdiv: str | None = None,
    ) -> "BusinessCalendar":
        by_day: dict[int, list[Period]] = {}
        for weekday, opens, closes in periods:
            if closes > opens:
                by_day.setdefault(weekday, []).append((opens, closes))
        closed = frozenset(extra_closed)
        public = french_holidays(holidays_subdiv)
        return cls(
            periods={d: tuple(sorted(p)) for d, p in by_day.items()},
            tz=ZoneInfo(tz),
            is_closed=lambda day: day in closed or day in public,
        )

    def intervals_on(self, day: datetime.date) -> tuple[tuple[datetime.datetime, datetime.datetime], ...]:
        """The opening intervals of a local `day`, as UTC instants (none on a closed day)."""
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = self._compute_intervals(day)
        return cached

    def _compute_intervals(self, day: datetime.date) -> tuple[tuple[datetime.datetime, datetime.datetime], ...]:
        if day.weekday() not in self.periods or self.is_closed(day):
            return ()
        out = []
        for opens, closes in self.periods[day.weekday()]:
            start = datetime.datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
            end = datetime.datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC)
            if end > start:
                out.append((start, end))
        return tuple(out)

    def _local_day(self, instant: datetime.datetime) -> datetime.date:
        return instant.astimezone(self.tz).date()

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Business time between two instants (zero when `end` is not after `start`)."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return ZERO
        total = ZERO
        day, last = self._local_day(start), self._local_day(end)
        while day <= last:
            for a, b in self.intervals_on(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += datetime.timedelta(days=1)
        return total

    def add(self, start: datetime.datetime, amount: datetime.timedelta) -> datetime.datetime:
        """The instant when `amount` of business time has elapsed since `start` (in UTC).

        A target that ends exactly at closing time falls due at closing time, not at the next opening.
        """
        start = _utc(start)
        if amount <= ZERO:
            return start
        remaining = amount
        day = self._local_day(start)
        for _ in range(MAX_DAYS):
            for a, b in self.intervals_on(day):
                if b <= start:
                    continue
                begin = max(a, start)
                available = b - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("Le calendrier d'ouverture n'a aucun créneau : impossible de calculer une échéance.")

    def is_open(self, instant: datetime.datetime) -> bool:
        instant = _utc(instant)
        return any(a <= instant < b for a, b in self.intervals_on(self._local_day(instant)))


def _utc(instant: datetime.datetime) -> datetime.datetime:
    if instant.tzinfo is None:
        raise ValueError("business-time arithmetic needs aware datetimes")
    return instant.astimezone(UTC)
