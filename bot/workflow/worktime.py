"""Working-time arithmetic: office hours on working days, in the offices' time zone.

Deadlines count working time only: Monday to Friday (plus announced working weekends), inside office
hours, outside public holidays. ``WorkCalendar.add`` gives a due time, ``between`` the working time
spent between two instants. Every computation runs on UTC instants, so the arithmetic stays right
even for a time zone with daylight saving time; results come back in the calendar's time zone.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_HOURS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))

_DURATION = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?")


class WorkDurationError(ValueError):
    """A duration string is not of the form ``5d``, ``4h``, ``90m``, ``1d4h``."""


class HolidayFileError(ValueError):
    """The holiday file is malformed (the message names the file and line)."""


@dataclass(frozen=True, slots=True)
class WorkDuration:
    """An amount of working time: whole working days plus minutes.

    A day is one day of office time (7 h 30 with the default hours), so its length depends on the calendar.
    """

    days: int = 0
    minutes: int = 0

    def __post_init__(self) -> None:
        if self.days < 0 or self.minutes < 0:
            raise WorkDurationError("a working duration cannot be negative")

    @classmethod
    def parse(cls, text: str) -> WorkDuration:
        """Read ``"5d"``, ``"4h"``, ``"90m"``, ``"1d4h"`` (units in this order, each at most once)."""
        cleaned = str(text).strip().lower()
        match = _DURATION.fullmatch(cleaned)
        if not cleaned or match is None:
            raise WorkDurationError(
                f"bad working duration {text!r}: write days, hours and minutes like 5d, 4h, 90m or 1d4h"
            )
        days, hours, minutes = (int(group or 0) for group in match.groups())
        duration = cls(days, hours * 60 + minutes)
        if not duration:
            raise WorkDurationError(f"bad working duration {text!r}: it must be longer than zero")
        return duration

    def __bool__(self) -> bool:
        return bool(self.days or self.minutes)

    def __str__(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        parts = [f"{n}{unit}" for n, unit in ((self.days, "d"), (hours, "h"), (minutes, "m")) if n]
        return "".join(parts) or "0m"


@dataclass(frozen=True, slots=True)
class DayOff:
    day: date
    name: str


@dataclass(frozen=True, slots=True)
class HolidayFile:
    """What ``config/holidays_vn.yaml`` says: days off (holidays and bridge days) and working weekends."""

    holidays: tuple[DayOff, ...]
    extra_days_off: tuple[DayOff, ...]
    working_weekends: tuple[DayOff, ...]

    def days_off(self) -> set[date]:
        return {d.day for d in (*self.holidays, *self.extra_days_off)}


def default_holidays_path() -> Path:
    return Path(str(importlib.resources.files("config").joinpath("holidays_vn.yaml")))


class WorkCalendar:
    """Office hours on working days in one time zone; see the module docstring."""

    def __init__(
        self,
        hours: Sequence[tuple[time, time]] = DEFAULT_HOURS,
        holidays: Iterable[date] = (),
        working_weekends: Iterable[date] = (),
        tz: ZoneInfo = VN_TZ,
    ) -> None:
        self.hours = _check_hours(hours)
        self.holidays = frozenset(holidays)
        self.working_weekends = frozenset(working_weekends)
        self.tz = tz
        self.day_length = sum((_span(start, end) for start, end in self.hours), timedelta())

    @classmethod
    def load(
        cls,
        path: Path | str | None = None,
        hours: Sequence[tuple[time, time]] = DEFAULT_HOURS,
        tz: ZoneInfo = VN_TZ,
    ) -> WorkCalendar:
        """Build from the holiday file (the packaged ``config/holidays_vn.yaml`` by default)."""
        data = load_holiday_file(path)
        return cls(hours, data.days_off(), {d.day for d in data.working_weekends}, tz)

    # ---- questions about days and instants ------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekends

    def is_working_time(self, moment: datetime) -> bool:
        instant = _utc(moment)
        local_day = instant.astimezone(self.tz).date()
        return any(start <= instant < end for start, end in self._periods_on(local_day))

    def length(self, duration: WorkDuration | timedelta) -> timedelta:
        """The working time a duration stands for (days count as one day of office time each)."""
        if isinstance(duration, timedelta):
            return duration
        return duration.days * self.day_length + timedelta(minutes=duration.minutes)

    # ---- arithmetic -----------------------------------------------------------------------------

    def add(self, start: datetime, duration: WorkDuration | timedelta) -> datetime:
        """The instant when ``duration`` of working time has passed since ``start``.

        A start outside office hours counts from the next opening. When the time runs out exactly at
        a closing time, that closing time is the answer (due 17:00, not 07:30 the next morning).
        """
        remaining = self.length(duration)
        if remaining < timedelta():
            raise ValueError("cannot add a negative working duration")
        instant = _utc(start)
        for period_start, period_end in self._periods_from(instant):
            begin = max(period_start, instant)
            available = period_end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(self.tz)
            remaining -= available
        raise AssertionError("unreachable: working periods never run out")

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself in office hours, else the next opening."""
        return self.add(moment, timedelta())

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (negative when ``end`` comes first)."""
        first, last = _utc(start), _utc(end)
        if last < first:
            return -self.between(end, start)
        total = timedelta()
        for period_start, period_end in self._periods_from(first):
            if period_start >= last:
                break
            total += min(period_end, last) - max(period_start, first)
        return total

    def fraction_elapsed(self, start: datetime, due: datetime, now: datetime) -> float:
        """Share of the working time from ``start`` to ``due`` spent by ``now``: 0 before, above 1 when late."""
        allowed = self.between(start, due)
        if allowed <= timedelta():
            return 1.0 if _utc(now) >= _utc(due) else 0.0
        return max(0.0, self.between(start, now) / allowed)

    # ---- periods --------------------------------------------------------------------------------

    def _periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (_utc(datetime.combine(day, start, self.tz)), _utc(datetime.combine(day, end, self.tz)))
            for start, end in self.hours
        ]

    def _periods_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Office periods, in order, from the one containing or following ``instant``, without end."""
        day = instant.astimezone(self.tz).date()
        while True:
            for period in self._periods_on(day):
                if period[1] > instant:
                    yield period
            day += timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: give a timezone-aware datetime")
    return moment.astimezone(UTC)


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _check_hours(hours: Sequence[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    checked = tuple(hours)
    if not checked:
        raise ValueError("office hours are empty")
    for index, (start, end) in enumerate(checked):
        if start >= end:
            raise ValueError(f"office period {start:%H:%M}-{end:%H:%M} ends before it starts")
        if index and start < checked[index - 1][1]:
            raise ValueError(f"office period {start:%H:%M}-{end:%H:%M} overlaps or precedes the one before")
    return checked


# ---- the holiday file ---------------------------------------------------------------------------

_SECTIONS = ("holidays", "extra_days_off", "working_weekends")


def load_holiday_file(path: Path | str | None = None) -> HolidayFile:
    """Read and check the holiday file; every error names the file and the line."""
    source = Path(path) if path is not None else default_holidays_path()
    try:
        root = yaml.compose(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HolidayFileError(f"cannot read holiday file {source}: {exc}") from exc
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        raise HolidayFileError(f"{_where(source, root)}: the top level must be a mapping")
    sections: dict[str, list[DayOff]] = {name: [] for name in _SECTIONS}
    seen: dict[date, str] = {}
    for key_node, value_node in root.value:
        name = str(key_node.value)
        if name not in sections:
            raise HolidayFileError(
                f"{_where(source, key_node)}: unknown key {name!r} (expected one of {', '.join(_SECTIONS)})"
            )
        for day_off, node in _entries(source, name, value_node):
            day = day_off.day
            if day in seen:
                raise HolidayFileError(
                    f"{_where(source, node)}: {day} is listed twice ({seen[day]} and {name})"
                )
            if name == "working_weekends" and day.weekday() < 5:
                raise HolidayFileError(
                    f"{_where(source, node)}: working weekend {day} is a {day:%A}, not a Saturday or Sunday"
                )
            seen[day] = name
            sections[name].append(day_off)
    return HolidayFile(*(tuple(sections[name]) for name in _SECTIONS))


def _entries(source: Path, section: str, node: yaml.Node) -> Iterator[tuple[DayOff, yaml.Node]]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return
    if not isinstance(node, yaml.SequenceNode):
        raise HolidayFileError(f"{_where(source, node)}: `{section}` must be a list")
    for item in node.value:
        fields = _mapping(source, item)
        unknown = set(fields) - {"date", "name"}
        if unknown or "date" not in fields:
            raise HolidayFileError(
                f"{_where(source, item)}: each entry is {{date: YYYY-MM-DD, name: ...}}"
                + (f"; unknown keys {sorted(unknown)}" if unknown else "")
            )
        date_node = fields["date"]
        try:
            day = date.fromisoformat(str(date_node.value).strip())
        except ValueError:
            raise HolidayFileError(
                f"{_where(source, date_node)}: bad date {date_node.value!r} (write YYYY-MM-DD, a real date)"
            ) from None
        name_node = fields.get("name")
        yield DayOff(day, str(name_node.value) if name_node is not None else ""), date_node


def _mapping(source: Path, node: yaml.Node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise HolidayFileError(f"{_where(source, node)}: each entry is {{date: YYYY-MM-DD, name: ...}}")
    return {str(key.value): value for key, value in node.value}


def _where(source: Path, node: yaml.Node) -> str:
    return f"{source}:{node.start_mark.line + 1}"


__all__ = [
    "DEFAULT_HOURS",
    "VN_TZ",
    "DayOff",
    "HolidayFile",
    "HolidayFileError",
    "WorkCalendar",
    "WorkDuration",
    "WorkDurationError",
    "default_holidays_path",
    "load_holiday_file",
]
