"""A small world for the closing-the-loop services: an org, services on a real database, helpers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.org.loader import import_org
from bot.services.answers import AnswerService
from bot.services.base import Core
from bot.services.citizen_tickets import CitizenTicketService
from bot.services.forwarding import Forwarding
from bot.services.incoming import ChatKind, IncomingMessage, Person
from bot.services.intake import IntakeService
from bot.services.merging import MergeService
from bot.services.verdicts import VerdictService
from bot.tagging import get_tagger
from config.settings import Settings
from storage.database import Database
from storage.models import OutboxMessage, Ticket, TicketEvent, TicketStatus
from tests.support.org import (
    ORG,
)
from tests.support.outbox import outbox_rows

LAMP = "Đèn đường thôn 2 xã Hội Sơn, huyện Anh Sơn hỏng mấy hôm nay, buổi tối đi lại rất tối."
LAMP_AGAIN = "Đèn đường ở thôn 2 xã Hội Sơn, huyện Anh Sơn bị hỏng cả tuần rồi, tối đi lại nguy hiểm lắm."
POLE = "Cột điện ở xóm 4 xã Hội Sơn, huyện Anh Sơn bị nghiêng sắp đổ, dây điện võng thấp."


@dataclass
class Closing:
    db: Database
    core: Core
    forwarding: Forwarding
    intake: IntakeService
    answers: AnswerService
    verdicts: VerdictService
    merging: MergeService
    citizen_tickets: CitizenTicketService
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def report(
        self, author: int, text: str, chat: int | None = None, language: str = "vi", force_new: bool = True
    ) -> int:
        """A citizen's new ticket (in their private chat unless ``chat``); its number."""
        kind = ChatKind.PRIVATE if chat is None else ChatKind.GROUP
        message = IncomingMessage(
            chat_id=author if chat is None else chat,
            chat_kind=kind,
            message_id=next(self.message_ids),
            author=Person(id=author, display_name=f"Citizen {author}", language_code=language),
            sent_at=datetime.now(UTC),
            text=text,
            chat_title="Thôn 2 Hội Sơn" if chat is not None else None,
            force_new=force_new,
        )
        outcome = await self.intake.receive(message)
        assert outcome.ticket_id is not None
        return outcome.ticket_id

    async def ticket(self, ticket_id: int) -> Ticket:
        async with self.core.unit_of_work() as work:
            ticket = await work.tickets.get(ticket_id)
            assert ticket is not None
            return ticket

    async def set_status(self, ticket_id: int, status: TicketStatus) -> None:
        async with self.core.unit_of_work() as work:
            ticket = await work.tickets.get(ticket_id)
            assert ticket is not None
            ticket.status = status
            if status is TicketStatus.RESOLVED:
                ticket.resolved_at = datetime.now(UTC)

    async def outbox(self, chat_id: int | None = None, since: int = 0) -> Sequence[OutboxMessage]:
        return await outbox_rows(self.core.db, chat_id, since)

    async def last_outbox_id(self) -> int:
        rows = await self.outbox()
        return rows[-1].id if rows else 0

    async def actions(self, ticket_id: int) -> list[str]:
        async with self.core.unit_of_work() as work:
            result = await work.session.execute(
                select(TicketEvent.action).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
            )
            return list(result.scalars())


def texts(rows: Sequence[OutboxMessage]) -> list[str]:
    return [str(row.payload.get("text", "")) for row in rows if row.method == "sendMessage"]


@pytest.fixture
async def closing(db: Database, database_url: str) -> Closing:
    await import_org(db, ORG)
    core = Core(db, get_tagger(), Settings(database_url=database_url))
    forwarding = Forwarding(core)
    return Closing(
        db=db,
        core=core,
        forwarding=forwarding,
        intake=IntakeService(core, forwarding),
        answers=AnswerService(core, forwarding),
        verdicts=VerdictService(core, forwarding),
        merging=MergeService(core, forwarding),
        citizen_tickets=CitizenTicketService(core, forwarding),
    )
