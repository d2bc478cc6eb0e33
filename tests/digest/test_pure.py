"""Periods, scopes and the pure figure helpers: no database."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.digest.figures import Counts, UnitRow, WorkClock, deltas, league, median_hours, ranked, rate
from bot.digest.period import Period, PeriodError, parse_period, week
from bot.digest.scope import Scope, descendants, reader_scope, unit_scope
from bot.workflow.worktime import WorkCalendar
from tests.digest.history import VN, nov


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_an_iso_week_is_monday_to_monday_local_time() -> None:
    period = parse_period("2026-W48", VN)
    assert (period.first_day, period.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period.start == utc(2026, 11, 22, 17) == nov(23)
    assert period.end == utc(2026, 11, 29, 17) == nov(30)
    assert period.contains(nov(29, 23, 59, 59)) and not period.contains(nov(30))
    assert period.contains(nov(23)) and not period.contains(nov(22, 23, 59, 59))
    assert period.iso_week == "2026-W48" and period.label() == "2026-W48"
    previous = period.previous
    assert (previous.first_day, previous.last_day, previous.iso_week) == (
        date(2026, 11, 16),
        date(2026, 11, 22),
        "2026-W47",
    )


def test_this_week_and_last_week_follow_local_midnight() -> None:
    sunday_night = nov(29, 23, 59, 59).astimezone(UTC)
    monday = nov(30).astimezone(UTC)
    assert parse_period("this week", VN, now=sunday_night).iso_week == "2026-W48"
    assert parse_period("this week", VN, now=monday).iso_week == "2026-W49"
    assert parse_period("last week", VN, now=monday).iso_week == "2026-W48"
    assert parse_period("Tuần trước", VN, now=monday).iso_week == "2026-W48"


def test_week_spellings_and_year_ends() -> None:
    assert parse_period("2026w5", VN).first_day == date(2026, 1, 26)
    assert parse_period("2026-W53", VN).last_day == date(2027, 1, 3)  # 2026 has 53 ISO weeks
    assert parse_period("2027-W01", VN).previous.iso_week == "2026-W53"
    assert parse_period("2026-W01", VN).first_day == date(2025, 12, 29)
    with pytest.raises(PeriodError):
        parse_period("2025-W53", VN)
    with pytest.raises(PeriodError):
        week(2026, 0, VN)


def test_date_ranges_include_both_days_and_compare_with_as_many_days_before() -> None:
    period = parse_period("2026-11-01 2026-11-30", VN)
    assert period.days == 30 and period.iso_week is None
    assert period.start == nov(1) and period.end == local_dec_1()
    assert (period.previous.first_day, period.previous.last_day) == (date(2026, 10, 2), date(2026, 10, 31))
    assert period.label() == "2026-11-01..2026-11-30"
    assert parse_period("2026-11-05", VN).days == 1
    for bad in ("2026-11-30 2026-11-01", "2026-02-30 2026-03-01", "next week", ""):
        with pytest.raises(PeriodError):
            parse_period(bad, VN)


def local_dec_1() -> datetime:
    return datetime(2026, 12, 1, tzinfo=VN)


def test_period_rejects_an_end_before_the_start() -> None:
    with pytest.raises(PeriodError):
        Period(date(2026, 1, 2), date(2026, 1, 1), VN)


PARENTS: dict[str, str | None] = {
    "tinh": None,
    "xa-a": "tinh",
    "xa-a-ca": "xa-a",
    "xa-b": "tinh",
    "khac": None,
}


def test_scopes() -> None:
    assert descendants(PARENTS, ["xa-a"]) == {"xa-a", "xa-a-ca"}
    assert descendants(PARENTS, ["tinh"]) == {"tinh", "xa-a", "xa-a-ca", "xa-b"}
    assert descendants(PARENTS, ["xa-b", "unknown"]) == {"xa-b"}
    assert unit_scope(PARENTS, ["xa-a", "xa-b"]) == Scope(frozenset({"xa-a", "xa-a-ca", "xa-b"}))
    assert reader_scope(PARENTS, True, ["xa-a"]).is_global
    nobody = reader_scope(PARENTS, False, [])
    assert nobody.is_empty and not nobody.allows("xa-a") and not nobody.allows(None)
    a = reader_scope(PARENTS, False, ["xa-a"])
    assert a.allows("xa-a-ca") and not a.allows("xa-b") and not a.allows(None) and not a.allows("tinh")
    assert Scope.everything().allows(None)


def test_cycles_in_the_tree_do_not_loop() -> None:
    assert descendants({"a": "b", "b": "a"}, ["a"]) == {"a", "b"}


def test_rates_medians_deltas_and_rankings() -> None:
    assert rate(1, 3) == pytest.approx(1 / 3) and rate(0, 0) is None and rate(2, 2) == 1.0
    assert median_hours([]) is None
    assert median_hours([timedelta(hours=3), timedelta(minutes=30), timedelta(hours=1)]) == 1.0
    assert median_hours([timedelta(minutes=30), timedelta(hours=1)]) == 0.75
    assert median_hours([timedelta(minutes=20)]) == 0.33
    assert deltas(Counts(7, 4, 3, 6, 2), Counts(3, 1, 1, 3, 4)) == {
        "received": 4,
        "answered": 3,
        "resolved": 2,
        "open": 3,
        "overdue": -2,
    }
    assert ranked({"b": 2, "a": 2, "c": 5, "z": 0}) == (("c", 5), ("a", 2), ("b", 2))
    rows = [
        UnitRow("none", "n", 5, 0, 0, 0),
        UnitRow("half", "h", 1, 1, 2, 1),
        UnitRow("all-small", "s", 0, 1, 1, 1),
        UnitRow("all-big", "b", 0, 3, 3, 3),
        UnitRow("zero", "z", 0, 0, 1, 0),
    ]
    assert [row.id for row in league(rows)] == ["all-big", "all-small", "half", "zero", "none"]


def test_work_clock_agrees_with_the_calendar() -> None:
    calendar = WorkCalendar.load()
    clock = WorkClock(calendar)
    rng = random.Random(48)
    base = utc(2025, 12, 20)
    for _ in range(400):
        start = base + timedelta(
            seconds=rng.randrange(0, 120 * 86_400), microseconds=rng.randrange(1_000_000)
        )
        end = start + timedelta(seconds=rng.randrange(0, 40 * 86_400))
        assert clock.between(start, end) == calendar.between(start, end)
    # Tết 2026 (16–20/2) inside an interval; and across the holiday of Tuesday 24/11/2026.
    assert (
        clock.between(datetime(2026, 2, 13, 17, tzinfo=VN), datetime(2026, 2, 23, 7, 30, tzinfo=VN))
        == timedelta()
    )
    assert clock.between(nov(23), nov(25, 15)) == timedelta(hours=13)
    assert (
        clock.between(nov(25, 15), nov(23)) == -timedelta(hours=13) == calendar.between(nov(25, 15), nov(23))
    )
    # Far from the first interval the clock grows its table both ways.
    assert clock.between(utc(2024, 1, 1), utc(2024, 1, 2)) == calendar.between(
        utc(2024, 1, 1), utc(2024, 1, 2)
    )
    assert clock.between(utc(2027, 6, 1), utc(2027, 6, 8)) == calendar.between(
        utc(2027, 6, 1), utc(2027, 6, 8)
    )
