"""The period arithmetic of recurring schedules (``invoicing.recurring.periods``), with explicit times."""

from __future__ import annotations

from datetime import UTC, date, datetime

from invoicing.recurring.periods import Schedule


def monthly(day: int | None = None, start: date = date(2026, 1, 31), **kw) -> Schedule:
    interval, timezone = kw.pop("interval", 1), kw.pop("timezone", "Europe/Ljubljana")
    return Schedule("monthly", interval, start, timezone, day_of_month=day, **kw)


def test_month_end_clamps_to_february_and_never_carries_over():
    s = monthly(31)
    assert [s.start(n) for n in range(5)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert s.end(0) == date(2026, 2, 27) and s.end(1) == date(2026, 3, 30)


def test_leap_year_february_29():
    s = monthly(31, start=date(2028, 1, 31))
    assert s.start(1) == date(2028, 2, 29)
    s = monthly(30, start=date(2027, 12, 30))
    assert [s.start(n) for n in range(3)] == [date(2027, 12, 30), date(2028, 1, 30), date(2028, 2, 29)]


def test_yearly_on_29_february_falls_back_to_28_in_common_years():
    s = Schedule("yearly", 1, date(2028, 2, 29), "UTC")
    assert [s.start(n) for n in range(5)] == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    assert s.end(0) == date(2029, 2, 27)


def test_weekly_and_intervals():
    s = Schedule("weekly", 2, date(2026, 3, 2), "UTC")
    assert [s.start(n) for n in range(3)] == [date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30)]
    assert s.end(0) == date(2026, 3, 15)
    q = monthly(15, start=date(2026, 11, 15), interval=3)
    assert [q.start(n) for n in range(3)] == [date(2026, 11, 15), date(2027, 2, 15), date(2027, 5, 15)]
    y = Schedule("yearly", 2, date(2026, 6, 1), "UTC")
    assert y.start(2) == date(2030, 6, 1)


def test_day_of_month_before_the_start_day_begins_next_month():
    s = monthly(1, start=date(2026, 1, 20))
    assert s.start(0) == date(2026, 2, 1)


def test_end_date_limits_periods_and_cuts_the_last_one():
    s = monthly(1, start=date(2026, 1, 1), end_date=date(2026, 3, 15))
    assert s.exists(2) and not s.exists(3)
    assert s.end(2) == date(2026, 3, 15)
    assert s.upcoming(0, 10) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_run_time_is_local_midnight_across_dst_in_ljubljana():
    s = Schedule("weekly", 1, date(2026, 3, 23), "Europe/Ljubljana")  # DST begins Sunday 29 March 2026
    assert s.run_at(0) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)  # CET, UTC+1
    assert s.run_at(1) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST, UTC+2
    s = Schedule("weekly", 1, date(2026, 10, 19), "Europe/Ljubljana")  # DST ends Sunday 25 October 2026
    assert s.run_at(0) == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
    assert s.run_at(1) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)


def test_run_time_across_dst_in_new_york():
    s = Schedule("monthly", 1, date(2026, 2, 8), "America/New_York")  # DST begins 8 March 2026
    assert s.run_at(0) == datetime(2026, 2, 8, 5, 0, tzinfo=UTC)  # EST, UTC−5
    assert s.run_at(1) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 on the change day is still EST
    assert s.run_at(2) == datetime(2026, 4, 8, 4, 0, tzinfo=UTC)  # EDT, UTC−4
    s = Schedule("monthly", 1, date(2026, 10, 1), "America/New_York", day_of_month=1)  # DST ends 1 November
    assert s.run_at(1) == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 00:00 on the change day is still EDT
    assert s.run_at(2) == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def test_first_after_a_moment():
    s = monthly(1, start=date(2026, 1, 1))
    # 1 March 00:00 in Ljubljana is 28 February 23:00 UTC
    assert s.first_after(datetime(2026, 2, 28, 22, 59, tzinfo=UTC)) == 2
    assert s.first_after(datetime(2026, 2, 28, 23, 0, tzinfo=UTC)) == 3
    assert s.first_after(datetime(2025, 6, 1, tzinfo=UTC)) == 0
    w = Schedule("weekly", 3, date(2026, 1, 5), "UTC")
    n = w.first_after(datetime(2026, 6, 1, tzinfo=UTC))
    assert w.start(n - 1) <= date(2026, 6, 1) < w.start(n)


def test_index_on_or_after():
    s = monthly(31)
    assert s.index_on_or_after(date(2026, 2, 28)) == 1
    assert s.index_on_or_after(date(2026, 3, 1)) == 2
    assert s.index_on_or_after(date(2020, 1, 1)) == 0


def test_failed_runs_back_off_doubling_up_to_a_day():
    from datetime import timedelta

    from invoicing.config import RecurringSettings
    from invoicing.recurring.scheduler import backoff

    settings = RecurringSettings(seconds=60, retry_seconds=300)
    assert [backoff(n, settings) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert backoff(50, settings) == timedelta(days=1)
