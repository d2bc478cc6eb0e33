"""The rows behind a digest's files (chart, workbook, CSV): per-day counts and the period's tickets.

Same rules as ``storage.repositories.digests`` (whose definitions are reused): merged tickets are never
counted or listed; ``unit_ids`` None means every ticket, otherwise only tickets held by those units (an
empty set: none). Every query reads one period's events through the index on that event's time.

Citizens' names and usernames are read only when ``include_citizens`` is asked for (the caller decides
who may: global admins only), and never for a citizen who chose to be anonymous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Citizen, Ticket, Unit
from storage.repositories.digests import (
    UnitIds,
    _awaiting_answer_late,
    _between,
    _counted,
    _open_parts,
    _scoped,
)


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Tickets received (created), answered (first answer) and resolved in one local day [start, end)."""

    start: datetime
    end: datetime
    received: int = 0
    answered: int = 0
    resolved: int = 0


@dataclass(frozen=True, slots=True)
class TicketExportRow:
    """One ticket as the Tickets sheet and the CSV list it. Times are UTC; ``unit_name`` None: not routed.

    ``citizen_name`` / ``citizen_username`` are None unless asked for; ``citizen_anonymous`` says the
    citizen chose anonymity (their name is then never read).
    """

    id: int
    created_at: datetime
    topic: str
    ward_code: int | None
    unit_id: str | None
    unit_name: str | None
    status: str
    urgent: bool
    answer_due: datetime | None
    answered_at: datetime | None
    resolved_at: datetime | None
    rating: int | None
    citizen_name: str | None = None
    citizen_username: str | None = None
    citizen_anonymous: bool = False


class DigestRowsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def daily_counts(self, unit_ids: UnitIds, boundaries: Sequence[datetime]) -> list[DayCounts]:
        """Counts per day for the days ``boundaries[i]`` to ``boundaries[i + 1]`` (local midnights as UTC).

        Each event column is bucketed in SQL with a CASE over the boundaries (exact in any time zone,
        daylight saving included, and the same on SQLite and PostgreSQL); one grouped query per event.
        """
        if len(boundaries) < 2:
            return []
        start, end = boundaries[0], boundaries[-1]
        counts: dict[str, dict[int, int]] = {}
        for name, column in (
            ("received", Ticket.created_at),
            ("answered", Ticket.answered_at),
            ("resolved", Ticket.resolved_at),
        ):
            counts[name] = await self._bucketed(
                column, boundaries, _scoped(and_(_between(column, start, end), _counted()), unit_ids)
            )
        return [
            DayCounts(
                start=boundaries[index],
                end=boundaries[index + 1],
                received=counts["received"].get(index, 0),
                answered=counts["answered"].get(index, 0),
                resolved=counts["resolved"].get(index, 0),
            )
            for index in range(len(boundaries) - 1)
        ]

    async def _bucketed(
        self, column: Any, boundaries: Sequence[datetime], condition: ColumnElement[bool]
    ) -> dict[int, int]:
        last = len(boundaries) - 2
        if last == 0:
            bucket: Any = literal(0)
        else:
            bucket = case(
                *((column < boundary, index) for index, boundary in enumerate(boundaries[1:-1])), else_=last
            )
        # Grouped over a subquery: PostgreSQL would not match a GROUP BY expression with bound values.
        inner = select(bucket.label("day")).where(condition).subquery()
        statement = select(inner.c.day, func.count()).group_by(inner.c.day)
        return {int(day): int(count) for day, count in await self.session.execute(statement)}

    async def ticket_rows(
        self, unit_ids: UnitIds, start: datetime, end: datetime, include_citizens: bool = False
    ) -> list[TicketExportRow]:
        """The tickets behind the period's figures, oldest first: received, answered, resolved or due in
        [start, end), or still open and overdue at ``end``. Merged tickets are left out."""
        in_period = or_(
            _between(Ticket.created_at, start, end),
            _between(Ticket.answered_at, start, end),
            _between(Ticket.resolved_at, start, end),
            _between(Ticket.answer_due, start, end),
        )
        still_open, ended_later = _open_parts(end)
        overdue_at_end = and_(or_(still_open, ended_later), _awaiting_answer_late(end))
        condition = _scoped(and_(or_(in_period, overdue_at_end), _counted()), unit_ids)
        columns: list[Any] = [
            Ticket.id,
            Ticket.created_at,
            Ticket.topic,
            Ticket.ward_code,
            Ticket.unit_id,
            Unit.name,
            Ticket.status,
            Ticket.urgent,
            Ticket.answer_due,
            Ticket.answered_at,
            Ticket.resolved_at,
            Ticket.rating,
        ]
        if include_citizens:
            columns += [Citizen.display_name, Citizen.username, Citizen.anonymous]
        statement = select(*columns).outerjoin(Unit, Unit.id == Ticket.unit_id)
        if include_citizens:
            statement = statement.outerjoin(Citizen, Citizen.user_id == Ticket.citizen_id)
        statement = statement.where(condition).order_by(Ticket.created_at, Ticket.id)
        rows: list[TicketExportRow] = []
        for row in await self.session.execute(statement):
            values = tuple(row)
            name: str | None = None
            username: str | None = None
            anonymous = False
            if include_citizens:
                anonymous = bool(values[14])
                name = None if anonymous else (values[12] or None)
                username = None if anonymous else values[13]
            rows.append(
                TicketExportRow(
                    id=values[0],
                    created_at=values[1],
                    topic=values[2],
                    ward_code=values[3],
                    unit_id=values[4],
                    unit_name=values[5],
                    status=values[6],
                    urgent=bool(values[7]),
                    answer_due=values[8],
                    answered_at=values[9],
                    resolved_at=values[10],
                    rating=values[11],
                    citizen_name=name,
                    citizen_username=username,
                    citizen_anonymous=anonymous,
                )
            )
        return rows


__all__ = ["DayCounts", "DigestRowsRepository", "TicketExportRow"]
