"""The digest's aggregate queries: counts grouped in SQL over one period, never a walk over all tickets.

Each query reads only the tickets with an event in the period, through the index on that event's time
(``created_at``, ``answered_at``, ``resolved_at``, ``answer_due``, ``first_response_at``, ``rated_at``).
"Open at a given instant" is read in three disjoint parts: the tickets open now (through the
``status`` index), plus those resolved after that instant (``resolved_at``),
plus those closed after it without a resolution (``closed_at``); a digest of a recent week therefore
reads neither the years before it nor the closed tickets of those years.

SQLite's planner, even after ``ANALYZE``, may take another index (``(unit_id, created_at)`` for
"created before the end", say), which reads the whole history. So on SQLite the columns a query must not
be driven by are written ``+column`` (SQLite's documented way to keep a term off an index), leaving one
index per query, and "open now" is marked rare with ``likelihood()``. PostgreSQL plans from its
statistics and gets the plain columns.

``unit_ids`` None means every ticket; otherwise only tickets held by those units (an empty set: none).
The meaning of each figure is documented in ``bot.digest.figures``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from storage.models import OPEN_STATUSES, Admin, Ticket, TicketStatus, Unit, UnitAdmin

UnitIds = Collection[str] | None

_OPEN = tuple(str(status) for status in OPEN_STATUSES)
_ENDED = tuple(str(status) for status in TicketStatus if status not in OPEN_STATUSES and status != "merged")
_FILTERED = (
    "status",
    "unit_id",
    "created_at",
    "answered_at",
    "resolved_at",
    "closed_at",
    "answer_due",
    "first_response_at",
    "rated_at",
)
_PLAIN: custom_op[Any] = custom_op("+")


@dataclass(frozen=True, slots=True)
class TicketRow:
    id: int
    created_at: datetime
    status: str
    topic: str
    unit_id: str | None
    ward_code: int | None


class _Columns:
    """The ticket columns a query filters on; on SQLite all but ``keep`` written ``+column``."""

    def __init__(self, sqlite: bool, keep: tuple[str, ...]) -> None:
        for name in _FILTERED:
            column = getattr(Ticket, name)
            if sqlite and name not in keep:
                column = UnaryExpression(column.expression, operator=_PLAIN, type_=column.type)
            setattr(self, name, column)

    status: Any
    unit_id: Any
    created_at: Any
    answered_at: Any
    resolved_at: Any
    closed_at: Any
    answer_due: Any
    first_response_at: Any
    rated_at: Any

    def scoped(self, condition: ColumnElement[bool], unit_ids: UnitIds) -> ColumnElement[bool]:
        if unit_ids is None:
            return condition
        if not unit_ids:
            return false()
        return and_(condition, self.unit_id.in_(sorted(unit_ids)))

    def counted(self) -> ColumnElement[bool]:
        """Not merged: a merged ticket is a duplicate folded into another and never counted."""
        return self.status != TicketStatus.MERGED  # type: ignore[no-any-return]

    def not_ended_before(self, moment: datetime) -> ColumnElement[bool]:
        return and_(
            or_(self.resolved_at.is_(None), self.resolved_at >= moment),
            or_(self.closed_at.is_(None), self.closed_at >= moment),
        )

    def awaiting_answer_late(self, moment: datetime) -> ColumnElement[bool]:
        return and_(self.answer_due < moment, or_(self.answered_at.is_(None), self.answered_at >= moment))


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


# ---- the same definitions on plain columns, for storage.repositories.digest_rows ----------------------

_PLAIN_COLUMNS = _Columns(sqlite=False, keep=())


def _scoped(condition: ColumnElement[bool], unit_ids: UnitIds) -> ColumnElement[bool]:
    return _PLAIN_COLUMNS.scoped(condition, unit_ids)


def _counted() -> ColumnElement[bool]:
    return _PLAIN_COLUMNS.counted()


def _awaiting_answer_late(moment: datetime) -> ColumnElement[bool]:
    """Still waiting for the answer at ``moment``, and past its answer deadline then."""
    return _PLAIN_COLUMNS.awaiting_answer_late(moment)


def _open_parts(moment: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Two disjoint conditions whose union is "open at ``moment``": open now; ended now, but after ``moment``."""
    c = _PLAIN_COLUMNS
    still_open = and_(c.status.in_(_OPEN), c.created_at < moment, c.not_ended_before(moment))
    ended_later = and_(
        or_(c.resolved_at >= moment, c.closed_at >= moment),
        c.status.in_(_ENDED),
        c.created_at < moment,
        c.not_ended_before(moment),
    )
    return still_open, ended_later


class DigestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        bind = session.bind
        self._sqlite = bind is not None and bind.dialect.name == "sqlite"

    def _columns(self, *keep: str) -> _Columns:
        return _Columns(self._sqlite, keep)

    def _rare(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        """Tell SQLite's planner that few rows match (its statistics count distinct values, not how
        skewed they are: "open" looks like 4 statuses in 7, and it would read the whole table)."""
        if not self._sqlite:
            return condition
        hinted: ColumnElement[bool] = func.likelihood(condition, literal_column("0.05"))  # no "= 1" after it
        return hinted

    # ---- the organisation ---------------------------------------------------------------------------

    async def unit_parents(self) -> dict[str, str | None]:
        rows = await self.session.execute(select(Unit.id, Unit.parent_id))
        return {unit_id: parent_id for unit_id, parent_id in rows}

    async def unit_names(self, unit_ids: Collection[str]) -> dict[str, str]:
        if not unit_ids:
            return {}
        rows = await self.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(sorted(unit_ids))))
        return {unit_id: name for unit_id, name in rows}

    async def is_global_admin(self, user_id: int) -> bool:
        return await self.session.get(Admin, user_id) is not None

    async def administered_units(self, user_id: int) -> set[str]:
        return set(await self.session.scalars(select(UnitAdmin.unit_id).where(UnitAdmin.user_id == user_id)))

    # ---- counts ---------------------------------------------------------------------------------------

    async def _count(self, condition: ColumnElement[bool]) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Ticket).where(condition)) or 0)

    async def _grouped(self, key: Any, condition: ColumnElement[bool]) -> dict[Any, int]:
        statement = select(key, func.count()).where(condition).group_by(key)
        return {value: int(count) for value, count in await self.session.execute(statement)}

    def _received(self, unit_ids: UnitIds, start: datetime, end: datetime) -> ColumnElement[bool]:
        c = self._columns("unit_id", "created_at")
        return c.scoped(and_(_between(c.created_at, start, end), c.counted()), unit_ids)

    def _answered(self, unit_ids: UnitIds, start: datetime, end: datetime) -> ColumnElement[bool]:
        c = self._columns("answered_at")
        return c.scoped(and_(_between(c.answered_at, start, end), c.counted()), unit_ids)

    async def received(self, unit_ids: UnitIds, start: datetime, end: datetime) -> int:
        return await self._count(self._received(unit_ids, start, end))

    async def received_by_unit(
        self, unit_ids: UnitIds, start: datetime, end: datetime
    ) -> dict[str | None, int]:
        return await self._grouped(Ticket.unit_id, self._received(unit_ids, start, end))

    async def received_by_topic(self, unit_ids: UnitIds, start: datetime, end: datetime) -> dict[str, int]:
        return await self._grouped(Ticket.topic, self._received(unit_ids, start, end))

    async def received_by_ward(
        self, unit_ids: UnitIds, start: datetime, end: datetime
    ) -> dict[int | None, int]:
        return await self._grouped(Ticket.ward_code, self._received(unit_ids, start, end))

    async def answered(self, unit_ids: UnitIds, start: datetime, end: datetime) -> int:
        return await self._count(self._answered(unit_ids, start, end))

    async def answered_by_unit(
        self, unit_ids: UnitIds, start: datetime, end: datetime
    ) -> dict[str | None, int]:
        return await self._grouped(Ticket.unit_id, self._answered(unit_ids, start, end))

    async def resolved(self, unit_ids: UnitIds, start: datetime, end: datetime) -> int:
        c = self._columns("resolved_at")
        return await self._count(c.scoped(and_(_between(c.resolved_at, start, end), c.counted()), unit_ids))

    async def due_by_unit(
        self, unit_ids: UnitIds, start: datetime, end: datetime
    ) -> dict[str | None, tuple[int, int]]:
        """Per unit: (tickets whose answer deadline falls in [start, end), not cancelled; how many of them
        were answered by the deadline)."""
        c = self._columns("answer_due")
        on_time = func.sum(case((Ticket.answered_at <= Ticket.answer_due, 1), else_=0))
        condition = and_(
            _between(c.answer_due, start, end), c.status.not_in((TicketStatus.MERGED, TicketStatus.CANCELLED))
        )
        statement = (
            select(Ticket.unit_id, func.count(), on_time)
            .where(c.scoped(condition, unit_ids))
            .group_by(Ticket.unit_id)
        )
        return {unit: (int(due), int(good or 0)) for unit, due, good in await self.session.execute(statement)}

    def _open_parts(
        self, unit_ids: UnitIds, moments: Sequence[datetime]
    ) -> list[tuple[_Columns, ColumnElement[bool], list[ColumnElement[bool]]]]:
        """ "Open at m" for each of ``moments``, in three disjoint parts read once for all of them: open now;
        ended now but resolved after m; ended now, closed after m and never resolved. Each part is
        (its columns, the rows to read, per moment the condition that a row was open at that moment)."""
        first, last = min(moments), max(moments)
        a = self._columns("status")
        still_open = and_(self._rare(a.status.in_(_OPEN)), a.created_at < last)
        r = self._columns("resolved_at")
        resolved_later = and_(r.resolved_at >= first, r.status.in_(_ENDED), r.created_at < last)
        c = self._columns("closed_at")
        closed_later = and_(
            c.closed_at >= first, c.resolved_at.is_(None), c.status.in_(_ENDED), c.created_at < last
        )
        return [
            (
                a,
                a.scoped(still_open, unit_ids),
                [and_(a.created_at < m, a.not_ended_before(m)) for m in moments],
            ),
            (
                r,
                r.scoped(resolved_later, unit_ids),
                [
                    and_(r.created_at < m, r.resolved_at >= m, or_(r.closed_at.is_(None), r.closed_at >= m))
                    for m in moments
                ],
            ),
            (
                c,
                c.scoped(closed_later, unit_ids),
                [and_(c.created_at < m, c.closed_at >= m) for m in moments],
            ),
        ]

    async def open_at(self, unit_ids: UnitIds, moments: Sequence[datetime]) -> list[tuple[int, int]]:
        """(open, overdue) at each of ``moments``, in three queries whatever their number."""
        totals = [[0, 0] for _ in moments]
        for columns, condition, open_then in self._open_parts(unit_ids, moments):
            sums = []
            for moment, is_open in zip(moments, open_then, strict=True):
                sums.append(func.sum(case((is_open, 1), else_=0)))
                sums.append(func.sum(case((and_(is_open, columns.awaiting_answer_late(moment)), 1), else_=0)))
            row = (await self.session.execute(select(*sums).where(condition))).one()
            for index, total in enumerate(totals):
                total[0] += int(row[2 * index] or 0)
                total[1] += int(row[2 * index + 1] or 0)
        return [(total[0], total[1]) for total in totals]

    async def oldest_open(self, unit_ids: UnitIds, moment: datetime, limit: int) -> list[TicketRow]:
        """The ``limit`` tickets open at ``moment`` created first."""
        rows: list[TicketRow] = []
        for columns, condition, (open_then,) in self._open_parts(unit_ids, [moment]):
            rows += await self._rows(and_(condition, open_then), limit, columns.created_at)
        return sorted(rows, key=lambda row: (row.created_at, row.id))[:limit]

    async def urgent_received(
        self, unit_ids: UnitIds, start: datetime, end: datetime, limit: int
    ) -> tuple[int, list[TicketRow]]:
        condition = and_(self._received(unit_ids, start, end), Ticket.urgent.is_(True))
        return await self._count(condition), await self._rows(condition, limit, Ticket.created_at)

    async def _rows(self, condition: ColumnElement[bool], limit: int, order: Any) -> list[TicketRow]:
        statement = (
            select(
                Ticket.id, Ticket.created_at, Ticket.status, Ticket.topic, Ticket.unit_id, Ticket.ward_code
            )
            .where(condition)
            .order_by(order, Ticket.id)
            .limit(limit)
        )
        return [TicketRow(*row) for row in await self.session.execute(statement)]

    # ---- per-ticket times (only the period's tickets) ---------------------------------------------------

    async def first_responses(
        self, unit_ids: UnitIds, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """(created_at, first_response_at) of the tickets first responded to in [start, end)."""
        c = self._columns("first_response_at")
        condition = c.scoped(and_(_between(c.first_response_at, start, end), c.counted()), unit_ids)
        statement = select(Ticket.created_at, Ticket.first_response_at).where(condition)
        return [(created, at) for created, at in await self.session.execute(statement) if at is not None]

    async def resolutions(
        self, unit_ids: UnitIds, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """(created_at, resolved_at) of the tickets resolved in [start, end)."""
        c = self._columns("resolved_at")
        condition = c.scoped(and_(_between(c.resolved_at, start, end), c.counted()), unit_ids)
        statement = select(Ticket.created_at, Ticket.resolved_at).where(condition)
        return [(created, at) for created, at in await self.session.execute(statement) if at is not None]

    # ---- the citizens' verdicts -----------------------------------------------------------------------

    async def ratings(self, unit_ids: UnitIds, start: datetime, end: datetime) -> tuple[int, int]:
        """(how many ratings, their sum) given in [start, end)."""
        c = self._columns("rated_at")
        condition = and_(_between(c.rated_at, start, end), Ticket.rating.is_not(None), c.counted())
        statement = select(func.count(), func.sum(Ticket.rating)).where(c.scoped(condition, unit_ids))
        row = (await self.session.execute(statement)).one()
        return int(row[0] or 0), int(row[1] or 0)

    async def verdicts(self, unit_ids: UnitIds, start: datetime, end: datetime) -> tuple[int, int]:
        """(tickets answered in [start, end) with the citizen's verdict, how many of them "not resolved")."""
        condition = and_(self._answered(unit_ids, start, end), Ticket.citizen_resolved.is_not(None))
        not_resolved = func.sum(case((Ticket.citizen_resolved.is_(False), 1), else_=0))
        row = (await self.session.execute(select(func.count(), not_resolved).where(condition))).one()
        return int(row[0] or 0), int(row[1] or 0)


__all__ = ["DigestRepository", "TicketRow"]
