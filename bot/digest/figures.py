"""What a digest says, as numbers, and the pure computations behind them (no database here).

Every figure is about the tickets in the reader's scope (``bot.digest.scope``) and one period of local
days [start, end) (``bot.digest.period``). Merged tickets are duplicates folded into another ticket and
are never counted. The figures mean exactly:

- ``received``: tickets created in the period (cancelled ones included: they were received).
- ``answered``: tickets whose first answer (``answered_at``) falls in the period, whenever created.
- ``resolved``: tickets whose ``resolved_at`` falls in the period.
- ``open``: tickets open at the period's end: created before it, and neither resolved nor closed
  before it. A ticket that is no longer open but carries no resolution or closing time (a cancelled
  one, say) is not open. An answered ticket is still open until it is resolved or closed.
- ``overdue``: the open tickets (as above) still waiting for their answer at the period's end
  (no ``answered_at`` before it) whose answer deadline (``answer_due``) had passed by then. A late
  answer ends the overdue state; it shows in the on-time rate instead.
- ``due`` / ``on_time`` / ``on_time_rate``: tickets whose answer deadline falls in the period, not
  cancelled; on time = answered at or before the deadline (an answer given before the period
  counts). The rate is ``on_time / due``, None when nothing was due.
- ``median_first_response_hours``: over tickets whose first official response (``first_response_at``)
  falls in the period, the median working time (office hours on working days, holidays excluded)
  from creation to that response, in hours. Deadlines run from creation, so this is the same clock.
- ``median_resolution_hours``: likewise from creation to ``resolved_at``, over the tickets resolved in
  the period.
- ``rating_avg`` / ``rating_count``: the citizens' ratings given (``rated_at``) in the period.
- ``not_resolved_share``: among tickets answered in the period whose citizen answered "was the problem
  solved?", the share that said no (None when nobody answered).
- ``by_topic`` / ``by_ward``: the tickets received in the period, by topic and by ward (tickets with
  no ward are counted in ``no_ward``), most first; digests show the top 8 topics and top 10 wards.
- ``units``: per unit in scope holding tickets with any of these events, received / answered / due /
  on time as defined above, best on-time rate first.
- ``urgent``: the urgent tickets received in the period; ``oldest_open``: the 10 oldest open at the end.
  Ages are measured at ``as_of``: the period's end, or now for a period not over yet.

Each of ``received``, ``answered``, ``resolved``, ``open`` and ``overdue`` is also given for the previous
period of the same length (``previous``) so the change can be shown.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.workflow.worktime import WorkCalendar

TOP_TOPICS = 8
TOP_WARDS = 10
OLDEST_OPEN = 10
URGENT_LIMIT = 20

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_HOUR_MICROS = 3_600_000_000


@dataclass(frozen=True, slots=True)
class Counts:
    """The five headline counts of one period (see the module docstring for their meaning)."""

    received: int = 0
    answered: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: str
    name: str
    received: int
    answered: int
    due: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.due)


@dataclass(frozen=True, slots=True)
class TicketAge:
    """A ticket listed by number (``id``) with its age at the digest's ``as_of``."""

    id: int
    created_at: datetime
    age: timedelta
    status: str
    topic: str
    unit_id: str | None
    ward_code: int | None


@dataclass(frozen=True, slots=True)
class DigestFigures:
    first_day: date
    last_day: date
    week: str | None
    scope_unit_id: str | None
    """The unit the digest is about (None: everything, or several units)."""
    as_of: datetime
    current: Counts
    previous: Counts
    due: int
    on_time: int
    median_first_response_hours: float | None
    first_response_count: int
    median_resolution_hours: float | None
    resolution_count: int
    rating_count: int
    rating_sum: int
    verdict_count: int
    not_resolved_count: int
    by_topic: tuple[tuple[str, int], ...] = ()
    by_ward: tuple[tuple[int, int], ...] = ()
    no_ward: int = 0
    units: tuple[UnitRow, ...] = ()
    urgent: tuple[TicketAge, ...] = ()
    urgent_count: int = 0
    oldest_open: tuple[TicketAge, ...] = field(default=())
    scope_units: tuple[str, ...] | None = None
    """The units whose tickets were counted, sorted; None: every ticket (a global admin's scope)."""

    # ---- the headline figures ------------------------------------------------------------------

    @property
    def received(self) -> int:
        return self.current.received

    @property
    def answered(self) -> int:
        return self.current.answered

    @property
    def resolved(self) -> int:
        return self.current.resolved

    @property
    def open(self) -> int:
        return self.current.open

    @property
    def overdue(self) -> int:
        return self.current.overdue

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.due)

    @property
    def rating_avg(self) -> float | None:
        return None if not self.rating_count else round(self.rating_sum / self.rating_count, 2)

    @property
    def not_resolved_share(self) -> float | None:
        return rate(self.not_resolved_count, self.verdict_count)

    def changes(self) -> dict[str, int]:
        """Each headline count minus the previous period's."""
        return deltas(self.current, self.previous)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: every figure, ticket numbers and unit ids, never a citizen's name or text."""
        return {
            "period": {
                "from": self.first_day.isoformat(),
                "to": self.last_day.isoformat(),
                "week": self.week,
                "as_of": self.as_of.isoformat(),
            },
            "scope": self.scope_unit_id or ("all" if self.scope_units is None else "units"),
            "scope_units": None if self.scope_units is None else list(self.scope_units),
            "received": self.received,
            "answered": self.answered,
            "resolved": self.resolved,
            "open": self.open,
            "overdue": self.overdue,
            "previous": _counts_json(self.previous),
            "changes": self.changes(),
            "due": self.due,
            "on_time": self.on_time,
            "on_time_rate": _round(self.on_time_rate, 4),
            "median_first_response_hours": self.median_first_response_hours,
            "first_response_count": self.first_response_count,
            "median_resolution_hours": self.median_resolution_hours,
            "resolution_count": self.resolution_count,
            "rating_avg": self.rating_avg,
            "rating_count": self.rating_count,
            "verdict_count": self.verdict_count,
            "not_resolved_share": _round(self.not_resolved_share, 4),
            "by_topic": dict(self.by_topic),
            "by_ward": {str(code): count for code, count in self.by_ward},
            "no_ward": self.no_ward,
            "units": [
                {
                    "id": row.id,
                    "name": row.name,
                    "received": row.received,
                    "answered": row.answered,
                    "due": row.due,
                    "on_time": row.on_time,
                    "on_time_rate": _round(row.on_time_rate, 4),
                }
                for row in self.units
            ],
            "urgent_count": self.urgent_count,
            "urgent": [_ticket_json(item) for item in self.urgent],
            "oldest_open": [_ticket_json(item) for item in self.oldest_open],
        }


# ---- pure helpers ---------------------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return None if whole <= 0 else part / whole


def median_hours(durations: Iterable[timedelta]) -> float | None:
    """The median of the durations in hours, rounded to 0.01 h; None for none."""
    values = sorted(durations)
    if not values:
        return None
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return round(median / timedelta(hours=1), 2)


def deltas(current: Counts, previous: Counts) -> dict[str, int]:
    return {
        "received": current.received - previous.received,
        "answered": current.answered - previous.answered,
        "resolved": current.resolved - previous.resolved,
        "open": current.open - previous.open,
        "overdue": current.overdue - previous.overdue,
    }


def ranked(counts: Mapping[Any, int]) -> tuple[tuple[Any, int], ...]:
    """Counts most first, ties by key, zeroes dropped."""
    return tuple(
        sorted(((key, n) for key, n in counts.items() if n), key=lambda item: (-item[1], str(item[0])))
    )


def league(rows: Iterable[UnitRow]) -> tuple[UnitRow, ...]:
    """Best on-time rate first; units with nothing due last; then more due first, then by id."""
    return tuple(
        sorted(
            rows,
            key=lambda row: (
                row.on_time_rate is None,
                -(row.on_time_rate or 0.0),
                -row.due,
                -row.received,
                row.id,
            ),
        )
    )


class WorkClock:
    """``WorkCalendar.between`` for many intervals at once: working time as a running total per day.

    ``between`` on the calendar walks every office period of the interval; a digest measures thousands of
    intervals of days or weeks. Here each local day's working time is summed once, in a table of days
    (UTC microseconds of each local midnight, working time before it, its office periods), so one
    interval costs two binary searches. Exactly the calendar's result, to the microsecond.
    """

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._first: date | None = None
        self._last: date | None = None
        self._starts: list[int] = []
        self._prefix: list[int] = []
        self._periods: list[tuple[tuple[int, int], ...]] = []

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (negative when ``end`` comes first)."""
        first, last = (start - _EPOCH) // _MICRO, (end - _EPOCH) // _MICRO
        low, high = (first, last) if first <= last else (last, first)
        starts = self._starts
        if not starts or low < starts[0] or high >= starts[-1]:
            self._cover(start, end)
        return timedelta(microseconds=self._position(last) - self._position(first))

    def _position(self, micros: int) -> int:
        """Working microseconds from the table's first midnight to ``micros``."""
        index = bisect_right(self._starts, micros) - 1
        total = self._prefix[index]
        for begin, finish in self._periods[index]:
            if micros >= finish:
                total += finish - begin
            elif micros > begin:
                total += micros - begin
        return total

    def _cover(self, start: datetime, end: datetime) -> None:
        """Rebuild the table to span both instants' local days, with a month's margin each side."""
        tz = self.calendar.tz
        days = [start.astimezone(tz).date(), end.astimezone(tz).date()]
        if self._first is not None and self._last is not None:
            days += [self._first, self._last]
        self._build(min(days) - timedelta(days=31), max(days) + timedelta(days=31))

    def _build(self, first: date, last: date) -> None:
        calendar, tz = self.calendar, self.calendar.tz
        starts, prefix, periods, running = [], [], [], 0
        day = first
        while day <= last + timedelta(days=1):
            today: tuple[tuple[int, int], ...] = ()
            if calendar.is_working_day(day):
                today = tuple(
                    (
                        (datetime.combine(day, opening, tz) - _EPOCH) // _MICRO,
                        (datetime.combine(day, closing, tz) - _EPOCH) // _MICRO,
                    )
                    for opening, closing in calendar.hours
                )
            starts.append((datetime.combine(day, time(), tz) - _EPOCH) // _MICRO)
            prefix.append(running)
            periods.append(today)
            running += sum(closing - opening for opening, closing in today)
            day += timedelta(days=1)
        # The last entry is the midnight after ``last``: a sentinel, never an instant's day.
        self._first, self._last = first, last
        self._starts, self._prefix, self._periods = starts, prefix, periods


def working_times(clock: WorkClock, pairs: Iterable[tuple[datetime, datetime]]) -> list[timedelta]:
    return [clock.between(start, end) for start, end in pairs]


def age_at(as_of: datetime, created_at: datetime) -> timedelta:
    return max(timedelta(), as_of - created_at)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _counts_json(counts: Counts) -> dict[str, int]:
    return {
        "received": counts.received,
        "answered": counts.answered,
        "resolved": counts.resolved,
        "open": counts.open,
        "overdue": counts.overdue,
    }


def _ticket_json(item: TicketAge) -> dict[str, Any]:
    return {
        "id": item.id,
        "created_at": item.created_at.isoformat(),
        "age_hours": round(item.age / timedelta(hours=1), 2),
        "status": item.status,
        "topic": item.topic,
        "unit_id": item.unit_id,
        "ward_code": item.ward_code,
    }


__all__ = [
    "OLDEST_OPEN",
    "TOP_TOPICS",
    "TOP_WARDS",
    "URGENT_LIMIT",
    "Counts",
    "DigestFigures",
    "TicketAge",
    "UnitRow",
    "WorkClock",
    "age_at",
    "deltas",
    "league",
    "median_hours",
    "ranked",
    "rate",
    "working_times",
]
