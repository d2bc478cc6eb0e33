"""Rows the outbox tests need: a unit with a staff chat, a citizen, tickets."""

from __future__ import annotations

from storage.database import Database
from storage.models import Citizen, StaffChat, Ticket, TicketStatus, Unit


async def seed_unit(db: Database, *, staff_chat_id: int, forum: bool, unit_id: str = "ward-1") -> None:
    async with db.transaction() as session:
        session.add(Unit(id=unit_id, name="UBND phường 1", locality_code=1, staff_chat_id=staff_chat_id))
        session.add(StaffChat(chat_id=staff_chat_id, is_forum=forum, title="Staff"))


async def seed_ticket(db: Database, *, citizen_id: int, unit_id: str | None = "ward-1") -> int:
    """A ticket of the citizen (created when new), forwarded to the unit; returns its number."""
    async with db.transaction() as session:
        if await session.get(Citizen, citizen_id) is None:
            session.add(Citizen(user_id=citizen_id, display_name="Lan"))
            await session.flush()
        ticket = Ticket(
            citizen_id=citizen_id,
            source_kind="private",
            source_chat_id=citizen_id,
            source_message_id=1,
            unit_id=unit_id,
            status=TicketStatus.FORWARDED,
        )
        session.add(ticket)
    return ticket.id
