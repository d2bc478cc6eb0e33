"""The period a digest covers: local calendar days, as UTC instants [start, end), plus the period before.

A week is an ISO week: Monday 00:00 to the next Monday 00:00 local time (``settings.timezone``), so a
ticket sent on Sunday at 23:59:59 belongs to that week and one sent on Monday at 00:00 to the next. A
date range "2026-11-01 2026-11-30" includes both days. The previous period has the same length and
ends where this one starts; the changes shown in a digest compare against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_DATE = r"\d{4}-\d{2}-\d{2}"
_RANGE = re.compile(rf"({_DATE})\s*(?:\s|\.\.|/|–|—|to)\s*({_DATE})", re.IGNORECASE)
THIS_WEEK = ("this week", "this-week", "tuần này", "tuan nay")
LAST_WEEK = ("last week", "last-week", "tuần trước", "tuan truoc")


class PeriodError(ValueError):
    """A period that cannot be read ("2026-W54", a range that ends before it starts)."""


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``first_day`` to ``last_day`` included; ``start``/``end`` are the UTC instants [start, end)."""

    first_day: date
    last_day: date
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise PeriodError(f"the period ends ({self.last_day}) before it starts ({self.first_day})")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(), self.tz).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same number of days just before this one (the week before, for a week)."""
        length = timedelta(days=self.days)
        return Period(self.first_day - length, self.last_day - length, self.tz)

    @property
    def iso_week(self) -> str | None:
        """``"2026-W48"`` when the period is exactly one ISO week, else None."""
        if self.days != 7 or self.first_day.weekday() != 0:
            return None
        year, week, _ = self.first_day.isocalendar()
        return f"{year}-W{week:02d}"

    def label(self) -> str:
        """How the period is named in logs and file names: the ISO week or ``first..last``."""
        return self.iso_week or f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def week(year: int, number: int, tz: ZoneInfo) -> Period:
    """ISO week ``number`` of ISO year ``year`` (Monday to Sunday)."""
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise PeriodError(f"{year}-W{number:02d} is not a week of {year}") from None
    return Period(monday, monday + timedelta(days=6), tz)


def week_of(day: date, tz: ZoneInfo) -> Period:
    """The ISO week containing ``day``."""
    year, number, _ = day.isocalendar()
    return week(year, number, tz)


def dates(first: date, last: date, tz: ZoneInfo) -> Period:
    return Period(first, last, tz)


def parse_period(text: str, tz: ZoneInfo, now: datetime | None = None) -> Period:
    """Read "this week", "last week", "2026-W46" (or "2026W46") or "2026-11-01 2026-11-30".

    "This week" and "last week" are taken from ``now`` (default: the current time) in ``tz``.
    """
    cleaned = " ".join(text.strip().split())
    lowered = cleaned.lower()
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    if lowered in THIS_WEEK:
        return week_of(today, tz)
    if lowered in LAST_WEEK:
        return week_of(today - timedelta(days=7), tz)
    match = _ISO_WEEK.fullmatch(cleaned)
    if match:
        return week(int(match.group(1)), int(match.group(2)), tz)
    match = _RANGE.fullmatch(cleaned)
    if match:
        return Period(_date(match.group(1)), _date(match.group(2)), tz)
    if re.fullmatch(_DATE, cleaned):
        day = _date(cleaned)
        return Period(day, day, tz)
    raise PeriodError(
        f"cannot read the period {text!r}: write 'this week', 'last week', 2026-W46 or 2026-11-01 2026-11-30"
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{text!r} is not a real date (write YYYY-MM-DD)") from None


__all__ = ["Period", "PeriodError", "dates", "parse_period", "week", "week_of"]
