"""Tickets, their messages, their audit trail, and the links from bot messages back to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CorrectionExample,
    LinkKind,
    MessageLink,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketThread,
    utcnow,
)


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def get_for_update(self, ticket_id: int) -> Ticket | None:
        """The ticket, locked against concurrent changes until the transaction ends (PostgreSQL)."""
        result = await self.session.execute(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
        return result.scalar_one_or_none()

    async def add(self, ticket: Ticket) -> Ticket:
        self.session.add(ticket)
        await self.session.flush()
        return ticket

    async def message_seen(self, chat_id: int, message_id: int) -> bool:
        """True when this Telegram message is already part of a ticket (a re-delivered update)."""
        result = await self.session.execute(
            select(TicketMessage.id).where(
                TicketMessage.chat_id == chat_id, TicketMessage.message_id == message_id
            )
        )
        return result.first() is not None

    async def add_message(self, message: TicketMessage) -> TicketMessage:
        self.session.add(message)
        await self.session.flush()
        return message

    async def messages(self, ticket_id: int, role: str | None = None) -> Sequence[TicketMessage]:
        query = select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
        if role is not None:
            query = query.where(TicketMessage.role == role)
        result = await self.session.execute(query.order_by(TicketMessage.id))
        return result.scalars().all()

    async def ticket_with_media_group(self, chat_id: int, media_group_id: str) -> Ticket | None:
        """The ticket that already holds another item of the same album."""
        result = await self.session.execute(
            select(Ticket)
            .join(TicketMessage, TicketMessage.ticket_id == Ticket.id)
            .where(TicketMessage.chat_id == chat_id, TicketMessage.media_group_id == media_group_id)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def latest_open_since(self, citizen_id: int, chat_id: int, since: datetime) -> Ticket | None:
        """The citizen's most recent ticket from this chat that saw a message after ``since``."""
        result = await self.session.execute(
            select(Ticket)
            .where(
                Ticket.citizen_id == citizen_id,
                Ticket.source_chat_id == chat_id,
                Ticket.last_message_at >= since,
            )
            .order_by(Ticket.last_message_at.desc(), Ticket.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def of_citizen(self, citizen_id: int, limit: int = 20) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket).where(Ticket.citizen_id == citizen_id).order_by(Ticket.id.desc()).limit(limit)
        )
        return result.scalars().all()

    async def unrouted(self, limit: int = 50) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket).where(Ticket.unit_id.is_(None)).order_by(Ticket.id).limit(limit)
        )
        return result.scalars().all()

    async def count_unrouted(self) -> int:
        result = await self.session.execute(
            select(func.count()).select_from(Ticket).where(Ticket.unit_id.is_(None))
        )
        return int(result.scalar_one())

    async def unrouted_from_chat(self, chat_id: int) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket)
            .where(Ticket.unit_id.is_(None), Ticket.source_chat_id == chat_id)
            .order_by(Ticket.id)
        )
        return result.scalars().all()

    async def record(self, ticket_id: int, action: str, actor_id: int | None, **data: Any) -> None:
        self.session.add(TicketEvent(ticket_id=ticket_id, action=action, actor_id=actor_id, data=data))

    async def events(self, ticket_id: int) -> Sequence[TicketEvent]:
        result = await self.session.execute(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        )
        return result.scalars().all()

    async def latest_event(self, ticket_id: int, action: str) -> TicketEvent | None:
        result = await self.session.execute(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, TicketEvent.action == action)
            .order_by(TicketEvent.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def ticket_by_link(self, chat_id: int, message_id: int) -> Ticket | None:
        result = await self.session.execute(
            select(Ticket)
            .join(MessageLink, MessageLink.ticket_id == Ticket.id)
            .where(MessageLink.chat_id == chat_id, MessageLink.message_id == message_id)
        )
        return result.scalar_one_or_none()

    async def link(self, chat_id: int, message_id: int, ticket_id: int, kind: str) -> None:
        await self.session.merge(
            MessageLink(chat_id=chat_id, message_id=message_id, ticket_id=ticket_id, kind=kind)
        )

    async def live_cards(self, ticket_id: int) -> Sequence[tuple[int, int]]:
        """(chat id, message id) of the ticket's live cards in staff chats, oldest first."""
        result = await self.session.execute(
            select(MessageLink.chat_id, MessageLink.message_id)
            .where(MessageLink.ticket_id == ticket_id, MessageLink.kind == LinkKind.CARD)
            .order_by(MessageLink.chat_id, MessageLink.message_id)
        )
        return [(chat_id, message_id) for chat_id, message_id in result.all()]

    async def retire_cards(self, ticket_id: int, chat_id: int) -> Sequence[int]:
        """Turn the ticket's live cards in one chat into moved cards; their message ids, oldest first.
        Replies to them still reach the ticket (the links stay)."""
        result = await self.session.execute(
            select(MessageLink)
            .where(
                MessageLink.ticket_id == ticket_id,
                MessageLink.chat_id == chat_id,
                MessageLink.kind == LinkKind.CARD,
            )
            .order_by(MessageLink.message_id)
        )
        links = result.scalars().all()
        for link in links:
            link.kind = LinkKind.MOVED_CARD
        return [link.message_id for link in links]

    async def ticket_by_thread(self, chat_id: int, thread_id: int) -> Ticket | None:
        result = await self.session.execute(
            select(Ticket)
            .join(TicketThread, TicketThread.ticket_id == Ticket.id)
            .where(TicketThread.chat_id == chat_id, TicketThread.thread_id == thread_id)
        )
        return result.scalar_one_or_none()

    async def add_correction(
        self, ticket_id: int, text: str, field: str, old: str | None, new: str, actor_id: int
    ) -> None:
        self.session.add(
            CorrectionExample(
                ticket_id=ticket_id, text=text, field=field, old_value=old, new_value=new, actor_id=actor_id
            )
        )

    async def corrected_tickets(self) -> Sequence[tuple[Ticket, Sequence[CorrectionExample]]]:
        """Every ticket whose topic or place was corrected, with its corrections, oldest first."""
        result = await self.session.execute(select(CorrectionExample).order_by(CorrectionExample.id))
        by_ticket: dict[int, list[CorrectionExample]] = {}
        for correction in result.scalars():
            by_ticket.setdefault(correction.ticket_id, []).append(correction)
        if not by_ticket:
            return []
        tickets = await self.session.execute(
            select(Ticket).where(Ticket.id.in_(by_ticket)).order_by(Ticket.id)
        )
        return [(ticket, by_ticket[ticket.id]) for ticket in tickets.scalars()]

    async def touch(self, ticket: Ticket, when: datetime | None = None) -> None:
        ticket.last_message_at = when or utcnow()

    # Duplicates and merging (closing the loop)

    async def open_in_ward_topic_since(
        self, ward_code: int, topic: str, since: datetime, exclude_id: int | None = None, limit: int = 200
    ) -> Sequence[Ticket]:
        """Open tickets of one ward and topic created at or after ``since``, oldest first."""
        from storage.models import OPEN_STATUSES

        query = select(Ticket).where(
            Ticket.ward_code == ward_code,
            Ticket.topic == topic,
            Ticket.created_at >= since,
            Ticket.status.in_([str(status) for status in OPEN_STATUSES]),
            Ticket.merged_into_id.is_(None),
        )
        if exclude_id is not None:
            query = query.where(Ticket.id != exclude_id)
        result = await self.session.execute(query.order_by(Ticket.id).limit(limit))
        return result.scalars().all()

    async def citizen_texts(self, ticket_ids: Sequence[int]) -> dict[int, str]:
        """The words citizens wrote in each ticket, joined in order (tickets without words are absent)."""
        if not ticket_ids:
            return {}
        result = await self.session.execute(
            select(TicketMessage.ticket_id, TicketMessage.text)
            .where(
                TicketMessage.ticket_id.in_(list(ticket_ids)),
                TicketMessage.role == "citizen",
                TicketMessage.text.is_not(None),
            )
            .order_by(TicketMessage.id)
        )
        texts: dict[int, list[str]] = {}
        for ticket_id, text in result.all():
            texts.setdefault(ticket_id, []).append(text or "")
        return {ticket_id: " ".join(parts) for ticket_id, parts in texts.items()}

    async def merged_into(self, ticket_id: int) -> Sequence[Ticket]:
        """Tickets merged into ``ticket_id``, oldest first."""
        result = await self.session.execute(
            select(Ticket).where(Ticket.merged_into_id == ticket_id).order_by(Ticket.id)
        )
        return result.scalars().all()

    async def latest_answer(self, ticket_id: int) -> TicketMessage | None:
        """The last answer officials sent for a ticket."""
        result = await self.session.execute(
            select(TicketMessage)
            .where(TicketMessage.ticket_id == ticket_id, TicketMessage.role == "answer")
            .order_by(TicketMessage.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()
