"""Business-time arithmetic: weekends, French public holidays, nights, DST changes, properties."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.helpdesk.business_hours import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)
CAL = BusinessCalendar.build([(d, datetime.time(8, 30), datetime.time(17, 30)) for d in range(5)])


def at(y, mo, d, h=0, mi=0) -> datetime.datetime:
    return datetime.datetime(y, mo, d, h, mi, tzinfo=PARIS)


def local(instant: datetime.datetime) -> datetime.datetime:
    return instant.astimezone(PARIS)


def test_within_one_day():
    assert local(CAL.add(at(2025, 3, 4, 9), 2 * H)) == at(2025, 3, 4, 11)
    assert CAL.between(at(2025, 3, 4, 9), at(2025, 3, 4, 11)) == 2 * H


def test_rolls_over_the_night():
    # Tuesday 16:30 + 2 h = Wednesday 9:30 (1 h on Tuesday, 1 h on Wednesday).
    assert local(CAL.add(at(2025, 3, 4, 16, 30), 2 * H)) == at(2025, 3, 5, 9, 30)


def test_starts_before_opening_and_after_closing():
    assert local(CAL.add(at(2025, 3, 4, 6), 30 * M)) == at(2025, 3, 4, 9)
    assert local(CAL.add(at(2025, 3, 4, 20), 30 * M)) == at(2025, 3, 5, 9)
    assert CAL.between(at(2025, 3, 4, 18), at(2025, 3, 5, 8)) == datetime.timedelta(0)


def test_target_ending_at_closing_time_is_due_at_closing_time():
    assert local(CAL.add(at(2025, 3, 4, 8, 30), 9 * H)) == at(2025, 3, 4, 17, 30)


def test_skips_the_weekend():
    # Friday 17:00 + 1 h = Monday 9:00.
    assert local(CAL.add(at(2025, 3, 7, 17), H)) == at(2025, 3, 10, 9)
    assert CAL.between(at(2025, 3, 7, 17), at(2025, 3, 10, 9)) == H
    # Saturday start: the clock starts on Monday morning.
    assert local(CAL.add(at(2025, 3, 8, 11), H)) == at(2025, 3, 10, 9, 30)


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        (at(2025, 4, 30, 17), at(2025, 5, 2, 9), "1 May (Thursday) is a holiday"),
        (at(2025, 5, 7, 17), at(2025, 5, 9, 9), "8 May (Thursday) is a holiday"),
        (at(2025, 5, 28, 17), at(2025, 5, 30, 9), "Ascension Thursday 29 May 2025"),
        (at(2025, 6, 6, 17), at(2025, 6, 10, 9), "Whit Monday 9 June 2025 after the weekend"),
        (at(2025, 7, 11, 17), at(2025, 7, 15, 9), "14 July 2025 is a Monday"),
        (at(2025, 4, 18, 17), at(2025, 4, 22, 9), "Easter Monday 21 April 2025"),
        (at(2025, 12, 24, 17), at(2025, 12, 26, 9), "Christmas"),
        (at(2026, 5, 13, 17), at(2026, 5, 15, 9), "Ascension Thursday 14 May 2026"),
    ],
)
def test_french_public_holidays_are_closed(start, expected, why):
    assert local(CAL.add(start, H)) == expected, why


def test_extra_closed_day():
    cal = BusinessCalendar.build(
        [(d, datetime.time(8, 30), datetime.time(17, 30)) for d in range(5)], extra_closed=[datetime.date(2025, 5, 30)]
    )
    # Ascension bridge: Wednesday 17:00 + 1 h skips Thursday (holiday), Friday (bridge) and the weekend.
    assert local(cal.add(at(2025, 5, 28, 17), H)) == at(2025, 6, 2, 9)


def test_alsace_moselle_has_good_friday():
    cal = BusinessCalendar.build(
        [(d, datetime.time(8, 30), datetime.time(17, 30)) for d in range(5)], holidays_subdiv="57"
    )
    assert local(cal.add(at(2025, 4, 17, 17), H)) == at(2025, 4, 22, 9)  # Good Friday 18 April + Easter Monday


def test_lunch_break_periods():
    cal = BusinessCalendar.build(
        [(d, datetime.time(9), datetime.time(12)) for d in range(5)]
        + [(d, datetime.time(14), datetime.time(17)) for d in range(5)]
    )
    assert local(cal.add(at(2025, 3, 4, 11), 2 * H)) == at(2025, 3, 4, 15)
    assert cal.between(at(2025, 3, 4, 11), at(2025, 3, 4, 15)) == 2 * H


def test_dst_spring_forward_day_counts_wall_clock_hours():
    # 30 March 2025 is a Sunday; a 24/7 line sees a 23-hour day.
    always = BusinessCalendar.build([(d, datetime.time(0), datetime.time(23, 59)) for d in range(7)], extra_closed=[])
    day = always.between(at(2025, 3, 30, 0), at(2025, 3, 30, 23, 59))
    assert day == datetime.timedelta(hours=22, minutes=59)
    # A Monday line after the change: still 9 hours, 8:30 to 17:30 local time (UTC+2 now).
    assert CAL.between(at(2025, 3, 28, 8, 30), at(2025, 3, 31, 17, 30)) == 18 * H
    assert local(CAL.add(at(2025, 3, 28, 17), H)) == at(2025, 3, 31, 9)


def test_dst_fall_back_weekend():
    # 26 October 2025 (Sunday) the clocks go back; Friday 17:00 + 1 h is Monday 9:00 local.
    assert local(CAL.add(at(2025, 10, 24, 17), H)) == at(2025, 10, 27, 9)
    assert CAL.between(at(2025, 10, 24, 17), at(2025, 10, 27, 9)) == H


def test_pause_spanning_nights_counts_only_opening_hours():
    # Waiting from Monday 16:00 to Thursday 10:00: 1.5 + 9 + 9 + 1.5 hours.
    assert CAL.between(at(2025, 3, 3, 16), at(2025, 3, 6, 10)) == 21 * H


def test_no_opening_at_all_is_an_error():
    with pytest.raises(ValueError, match="aucun créneau"):
        BusinessCalendar.build([]).add(at(2025, 3, 4, 9), H)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CAL.add(datetime.datetime(2025, 3, 4, 9), H)


instants = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1), max_value=datetime.datetime(2027, 12, 31), timezones=st.just(PARIS)
).map(lambda d: d.astimezone(datetime.UTC))  # compare and subtract in UTC: same-tzinfo arithmetic is wall-clock
amounts = st.integers(min_value=0, max_value=60 * 60 * 9 * 15).map(lambda s: datetime.timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(start=instants, amount=amounts)
def test_add_then_between_round_trips(start, amount):
    due = CAL.add(start, amount)
    assert due >= start
    assert CAL.between(start, due) == amount


@settings(max_examples=300, deadline=None)
@given(start=instants, amount=amounts.filter(lambda a: a > datetime.timedelta(0)))
def test_due_time_falls_within_opening_hours(start, amount):
    due = local(CAL.add(start, amount))
    assert due.weekday() < 5
    assert datetime.time(8, 30) < due.time() <= datetime.time(17, 30)
    assert due.date() not in {datetime.date(due.year, 5, 1), datetime.date(due.year, 7, 14)}


@settings(max_examples=300, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_between_is_additive_and_bounded(a, b, c):
    a, b, c = sorted([a, b, c])
    assert CAL.between(a, b) + CAL.between(b, c) == CAL.between(a, c)
    assert CAL.between(a, c) <= c - a
