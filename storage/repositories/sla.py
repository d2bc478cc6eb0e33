"""Deadline bookkeeping: the tickets the SLA sweep looks at, and the once-only record of what it sent.

A notice (reminder, overdue mark, escalation, automatic close, daily summary) is *claimed* by inserting
its unique key into ``sla_notices`` with ``ON CONFLICT DO NOTHING``: inside the transaction that also
writes the outbox rows, so of two sweeps (two instances, or a restart halfway) exactly one sends it. On
PostgreSQL the loser's insert waits for the winner's commit and then inserts nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SlaNotice, Ticket, TicketStatus

AWAITING_ANSWER = (TicketStatus.FORWARDED, TicketStatus.ASSIGNED)
"""With a unit and not answered yet: the answer deadline runs."""
WITH_UNIT = (TicketStatus.FORWARDED, TicketStatus.ASSIGNED, TicketStatus.ANSWERED)
"""Open and with a unit: what a daily summary lists."""


class SlaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---- notices ----------------------------------------------------------------------------------

    async def claim(self, key: str, kind: str, ticket_id: int | None, now: datetime) -> bool:
        """Record the notice ``key``; False when it was already recorded (by anyone, ever)."""
        dialect = self.session.get_bind().dialect.name
        values = {"key": key, "kind": kind, "ticket_id": ticket_id, "created_at": now}
        if dialect == "postgresql":
            pg = postgresql.insert(SlaNotice).values(**values).on_conflict_do_nothing(index_elements=["key"])
            result = await self.session.execute(pg.returning(SlaNotice.key))
        elif dialect == "sqlite":
            lite = sqlite.insert(SlaNotice).values(**values).on_conflict_do_nothing(index_elements=["key"])
            result = await self.session.execute(lite.returning(SlaNotice.key))
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(f"insert-or-skip is not implemented for {dialect}")
        return result.first() is not None

    async def claimed(self, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` are already recorded."""
        if not keys:
            return set()
        found = await self.session.scalars(select(SlaNotice.key).where(SlaNotice.key.in_(list(keys))))
        return set(found)

    async def notices(self, ticket_id: int) -> Sequence[SlaNotice]:
        result = await self.session.scalars(
            select(SlaNotice).where(SlaNotice.ticket_id == ticket_id).order_by(SlaNotice.created_at)
        )
        return result.all()

    # ---- tickets ----------------------------------------------------------------------------------

    async def awaiting_answer(self, now: datetime) -> Sequence[Ticket]:
        """Not overdue yet, answer due after ``now``: candidates for the 75 % reminder."""
        result = await self.session.scalars(
            select(Ticket)
            .where(
                Ticket.status.in_(AWAITING_ANSWER),
                Ticket.unit_id.is_not(None),
                Ticket.forwarded_at.is_not(None),
                Ticket.answer_due > now,
                Ticket.overdue.is_(False),
            )
            .order_by(Ticket.id)
        )
        return result.all()

    async def first_response_late(self, now: datetime) -> Sequence[Ticket]:
        """Forwarded tickets no official has taken, asked about or answered by their first-response deadline."""
        result = await self.session.scalars(
            select(Ticket)
            .where(
                Ticket.status == TicketStatus.FORWARDED,
                Ticket.unit_id.is_not(None),
                Ticket.first_response_at.is_(None),
                Ticket.first_response_due <= now,
            )
            .order_by(Ticket.id)
        )
        return result.all()

    async def past_due(self, now: datetime) -> Sequence[Ticket]:
        """Unanswered with the answer due by ``now``: not yet marked overdue, or escalated at least once
        (candidates for the next level)."""
        result = await self.session.scalars(
            select(Ticket)
            .where(
                Ticket.status.in_(AWAITING_ANSWER),
                Ticket.unit_id.is_not(None),
                Ticket.forwarded_at.is_not(None),
                Ticket.answer_due <= now,
                or_(Ticket.overdue.is_(False), Ticket.escalation_level >= 1),
            )
            .order_by(Ticket.id)
        )
        return result.all()

    async def resolved_before(self, cutoff: datetime) -> Sequence[Ticket]:
        """Resolved tickets with neither the resolution nor a citizen's message after ``cutoff``."""
        result = await self.session.scalars(
            select(Ticket)
            .where(
                Ticket.status == TicketStatus.RESOLVED,
                Ticket.resolved_at <= cutoff,
                Ticket.last_message_at <= cutoff,
            )
            .order_by(Ticket.id)
        )
        return result.all()

    async def open_with_unit(self) -> Sequence[Ticket]:
        """Every open ticket a unit holds, oldest first."""
        result = await self.session.scalars(
            select(Ticket)
            .where(Ticket.status.in_(WITH_UNIT), Ticket.unit_id.is_not(None))
            .order_by(Ticket.id)
        )
        return result.all()
