"""Working-time arithmetic on the real holiday file and on a calendar without holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.workflow.worktime import (
    VN_TZ,
    HolidayFileError,
    WorkCalendar,
    WorkDuration,
    WorkDurationError,
    load_holiday_file,
)

CALENDAR = WorkCalendar.load()
PLAIN = WorkCalendar()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def d(text: str) -> WorkDuration:
    return WorkDuration.parse(text)


# ---- durations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days", "minutes"),
    [("5d", 5, 0), ("4h", 0, 240), ("90m", 0, 90), ("1d4h", 1, 240), (" 2H30M ", 0, 150), ("1d 2h", 1, 120)],
)
def test_durations_parse(text: str, days: int, minutes: int) -> None:
    assert WorkDuration.parse(text) == WorkDuration(days, minutes)


@pytest.mark.parametrize("text", ["", "5", "d", "5x", "-1h", "1h1d", "4 hours", "0h", "0d0m", "1.5d"])
def test_bad_durations_are_refused_with_the_bad_text(text: str) -> None:
    with pytest.raises(WorkDurationError, match="bad working duration"):
        WorkDuration.parse(text)


def test_duration_prints_as_written() -> None:
    assert [str(d(t)) for t in ("5d", "4h", "90m", "1d4h")] == ["5d", "4h", "1h30m", "1d4h"]


def test_a_working_day_is_one_day_of_office_hours() -> None:
    assert PLAIN.day_length == timedelta(hours=7, minutes=30)
    assert PLAIN.length(d("5d")) == timedelta(hours=37, minutes=30)
    eight_hours = WorkCalendar(hours=[(time(8), time(12)), (time(13), time(17))])
    assert eight_hours.length(d("1d4h")) == timedelta(hours=12)


@pytest.mark.parametrize(
    "hours",
    [
        [],
        [(time(12), time(8))],
        [(time(13), time(17)), (time(8), time(12))],
        [(time(8), time(12)), (time(11), time(17))],
    ],
)
def test_bad_office_hours_are_refused(hours: list[tuple[time, time]]) -> None:
    with pytest.raises(ValueError, match="office"):
        WorkCalendar(hours=hours)


# ---- add ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (vn(2026, 11, 16, 9), "4h", vn(2026, 11, 16, 15)),  # across lunch
        (vn(2026, 11, 16, 7, 30), "1d", vn(2026, 11, 16, 17)),  # ends at closing, not next morning
        (vn(2026, 11, 16, 6), "1h", vn(2026, 11, 16, 8, 30)),  # before opening
        (vn(2026, 11, 16, 12), "1h", vn(2026, 11, 16, 14, 30)),  # at lunch
        (vn(2026, 11, 16, 17, 30), "1h", vn(2026, 11, 17, 8, 30)),  # after closing
        (vn(2026, 11, 14, 10), "1h", vn(2026, 11, 16, 8, 30)),  # Saturday
        (vn(2026, 11, 20, 15), "4h", vn(2026, 11, 23, 9, 30)),  # Friday afternoon → Monday
        (vn(2026, 11, 16, 9), "5d", vn(2026, 11, 23, 9)),  # a full week
        (vn(2026, 11, 16, 10), "90m", vn(2026, 11, 16, 11, 30)),
    ],
)
def test_add_counts_office_hours_only(start: datetime, duration: str, due: datetime) -> None:
    assert CALENDAR.add(start, d(duration)) == due


def test_tet_2026_is_skipped() -> None:
    friday_before_tet = vn(2026, 2, 13, 10)
    assert CALENDAR.add(friday_before_tet, d("5d")) == vn(2026, 2, 27, 10)
    assert CALENDAR.add(vn(2026, 2, 13, 15), d("4h")) == vn(2026, 2, 23, 9, 30)  # urgent, Friday afternoon


def test_30_april_and_1_may_are_skipped() -> None:
    assert CALENDAR.add(vn(2026, 4, 29, 16), d("1d")) == vn(2026, 5, 4, 16)


def test_2025_swap_makes_saturday_26_april_a_working_day_and_2_may_a_day_off() -> None:
    assert CALENDAR.add(vn(2025, 4, 25, 16), d("1d")) == vn(2025, 4, 26, 16)
    assert CALENDAR.add(vn(2025, 4, 29, 16), d("1d")) == vn(2025, 5, 5, 16)


def test_year_boundary_2026_to_2027() -> None:
    assert CALENDAR.add(vn(2026, 12, 31, 16), d("1d")) == vn(2027, 1, 4, 16)


def test_hung_kings_day_on_sunday_is_compensated_on_monday() -> None:
    assert CALENDAR.add(vn(2026, 4, 24, 16), d("1d")) == vn(2026, 4, 28, 16)


def test_vietnam_culture_day_2026_is_off() -> None:
    assert CALENDAR.add(vn(2026, 11, 20, 10), d("5d")) == vn(2026, 11, 30, 10)


def test_times_in_other_zones_are_converted_and_answers_come_in_vietnam_time() -> None:
    in_utc = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
    due = CALENDAR.add(in_utc, d("1h"))
    assert due == vn(2026, 11, 16, 10)
    assert due.utcoffset() == timedelta(hours=7)
    # Berlin changed to summer time the night before; the instant is still 09:00 in Hà Nội.
    berlin = datetime(2026, 3, 30, 4, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert CALENDAR.add(berlin, d("1h")) == vn(2026, 3, 30, 10)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CALENDAR.add(datetime(2026, 11, 16, 9), d("1h"))


def test_a_calendar_in_a_zone_with_summer_time_counts_real_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks jump from 02:00 to 03:00 on Sunday 29 March 2026: 01:00-04:00 is two real hours.
    calendar = WorkCalendar(hours=[(time(1), time(4))], working_weekends={date(2026, 3, 29)}, tz=berlin)
    opening = datetime(2026, 3, 29, 1, 0, tzinfo=berlin)
    assert calendar.between(opening, datetime(2026, 3, 29, 5, 0, tzinfo=berlin)) == timedelta(hours=2)
    assert calendar.add(opening, WorkDuration(minutes=120)) == datetime(2026, 3, 29, 4, 0, tzinfo=berlin)


def test_next_opening() -> None:
    assert CALENDAR.next_opening(vn(2026, 11, 16, 12)) == vn(2026, 11, 16, 13, 30)
    assert CALENDAR.next_opening(vn(2026, 11, 16, 9)) == vn(2026, 11, 16, 9)


# ---- between, is_working_time, fraction_elapsed --------------------------------------------------


def test_between_counts_office_hours_only() -> None:
    assert CALENDAR.between(vn(2026, 11, 20, 16), vn(2026, 11, 23, 8, 30)) == timedelta(hours=2)
    assert CALENDAR.between(vn(2026, 11, 23, 8, 30), vn(2026, 11, 20, 16)) == -timedelta(hours=2)
    assert CALENDAR.between(vn(2026, 2, 14), vn(2026, 2, 23)) == timedelta()  # all of Tết
    assert CALENDAR.between(vn(2026, 11, 16, 12), vn(2026, 11, 16, 13)) == timedelta()


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (vn(2026, 11, 16, 7, 30), True),
        (vn(2026, 11, 16, 11, 29), True),
        (vn(2026, 11, 16, 11, 30), False),
        (vn(2026, 11, 16, 17), False),
        (vn(2026, 11, 21, 9), False),  # Saturday
        (vn(2026, 9, 2, 9), False),  # Quốc khánh
        (vn(2026, 8, 22, 9), True),  # announced working Saturday
        (datetime(2026, 11, 16, 1, 0, tzinfo=UTC), True),  # 08:00 in Hà Nội
    ],
)
def test_is_working_time(moment: datetime, working: bool) -> None:
    assert CALENDAR.is_working_time(moment) is working


def test_fraction_elapsed_counts_working_time() -> None:
    start, due = vn(2026, 11, 20, 15), vn(2026, 11, 23, 9, 30)  # 4 working hours over a weekend
    assert CALENDAR.fraction_elapsed(start, due, vn(2026, 11, 20, 10)) == 0.0
    assert CALENDAR.fraction_elapsed(start, due, vn(2026, 11, 22, 12)) == 0.5  # Sunday: no time passes
    assert CALENDAR.fraction_elapsed(start, due, vn(2026, 11, 23, 8, 30)) == 0.75
    assert CALENDAR.fraction_elapsed(start, due, vn(2026, 11, 23, 11, 30)) == 1.5  # late


def test_between_undoes_add_for_starts_all_over_three_years() -> None:
    durations = [WorkDuration(days, minutes) for days in (0, 1, 5, 12) for minutes in (0, 1, 90, 240, 449)]
    start = datetime(2024, 12, 31, 20, 0, tzinfo=UTC)
    step = timedelta(hours=7, minutes=11)  # not a divisor of a day, so starts fall at every time of day
    for index in range(3700):  # up to December 2027
        duration = durations[index % len(durations)]
        due = CALENDAR.add(start, duration)
        assert CALENDAR.between(start, due) == CALENDAR.length(duration), (start, duration)
        assert due >= start
        if duration:
            assert CALENDAR.is_working_time(due - timedelta(microseconds=1)), (start, duration)
        start += step


# ---- the holiday file -----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_fixed_public_holidays_on_weekdays_are_days_off(year: int) -> None:
    for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
        holiday = date(year, month, day)
        if holiday.weekday() < 5:
            assert not CALENDAR.is_working_day(holiday), holiday


def test_the_holiday_file_names_tet_and_the_swaps() -> None:
    data = load_holiday_file()
    names = {day.day: day.name for day in data.holidays}
    assert "Tết Nguyên đán" in names[date(2026, 2, 17)]
    assert {day.day for day in data.working_weekends} == {date(2025, 4, 26), date(2026, 8, 22)}
    assert not CALENDAR.is_working_day(date(2025, 5, 2))


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "holidays:\n  - {date: 2026-01-01, name: a}\n  - {date: 2026-02-30, name: b}\n",
            r":3: bad date '2026-02-30'",
        ),
        ("holidays:\n  - {date: 1/5/2026, name: a}\n", r":2: bad date '1/5/2026'"),
        ("holidays:\n  - {name: a}\n", r":2: each entry is"),
        ("holidays:\n  - 2026-01-01\n", r":2: each entry is"),
        ("holidays:\n  - {date: 2026-01-01, nam: a}\n", r":2: .*unknown keys \['nam'\]"),
        ("holiday:\n  - {date: 2026-01-01}\n", r":1: unknown key 'holiday'"),
        ("working_weekends:\n  - {date: 2026-08-21}\n", r":2: working weekend 2026-08-21 is a Friday"),
        (
            "holidays:\n  - {date: 2026-01-01}\nextra_days_off:\n  - {date: 2026-01-01}\n",
            r":4: 2026-01-01 is listed twice \(holidays and extra_days_off\)",
        ),
        ("holidays: {date: 2026-01-01}\n", r":1: `holidays` must be a list"),
        ("- 2026-01-01\n", r":1: the top level must be a mapping"),
        ("holidays: [\n", r"cannot read holiday file"),
    ],
)
def test_bad_holiday_files_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(HolidayFileError, match=message):
        load_holiday_file(write(tmp_path, body))


def test_an_edited_holiday_file_changes_the_deadlines(tmp_path: Path) -> None:
    path = write(
        tmp_path, "holidays:\n  - {date: 2026-11-17, name: test}\nextra_days_off:\nworking_weekends: []\n"
    )
    calendar = WorkCalendar.load(path, hours=[(time(8), time(16))])
    assert calendar.add(vn(2026, 11, 16, 15), d("2h")) == vn(2026, 11, 18, 9)
