"""A small world for officials' actions: an org, the services on a real database (both backends), helpers."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.org.loader import import_org
from bot.services.answers import AnswerService
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.services.incoming import ChatKind, IncomingMessage, Person
from bot.services.intake import IntakeService
from bot.services.workflow import TicketActions
from bot.tagging import get_tagger
from config.settings import Settings
from storage.database import Database
from storage.models import OutboxMessage, Ticket, TicketEvent
from tests.support.org import (
    COMMUNE_CADRE,
    COMMUNE_CHAT,
    LAN,
    ORG,
)
from tests.support.outbox import outbox_rows

EXTRA_ADMIN = 901

ROAD = "Đường liên thôn ở xã Hội Sơn, huyện Anh Sơn có nhiều ổ gà, đi lại khó khăn."


def official(user_id: int, name: str = "") -> Person:
    return Person(id=user_id, display_name=name or f"Official {user_id}")


@dataclass
class World:
    db: Database
    core: Core
    intake: IntakeService
    answers: AnswerService
    actions: TicketActions
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def report(self, text: str = ROAD, reply_to: int | None = None) -> int:
        """Lan's message in her private chat (a new ticket, or joining the one ``reply_to`` belongs to)."""
        message = IncomingMessage(
            chat_id=LAN,
            chat_kind=ChatKind.PRIVATE,
            message_id=next(self.message_ids),
            author=Person(id=LAN, display_name="Lan", language_code="vi"),
            sent_at=datetime.now(UTC),
            text=text,
            reply_to_message_id=reply_to,
            replies_to_bot=reply_to is not None,
            force_new=reply_to is None,
        )
        outcome = await self.intake.receive(message)
        assert outcome.ticket_id is not None
        return outcome.ticket_id

    async def answer(self, ticket_id: int, chat_id: int = COMMUNE_CHAT, author: int = COMMUNE_CADRE) -> None:
        """An official's answer, as a reply to a message linked to the ticket."""
        async with self.core.unit_of_work() as work:
            await work.tickets.link(chat_id, 10_000 + ticket_id, ticket_id, "card")
        await self.answers.relay(
            IncomingMessage(
                chat_id=chat_id,
                chat_kind=ChatKind.STAFF,
                message_id=next(self.message_ids) + 5_000,
                author=official(author),
                sent_at=datetime.now(UTC),
                text="Xã sẽ vá đường trong tuần.",
                reply_to_message_id=10_000 + ticket_id,
                replies_to_bot=True,
            )
        )

    async def ticket(self, ticket_id: int) -> Ticket:
        async with self.core.unit_of_work() as work:
            ticket = await work.tickets.get(ticket_id)
            assert ticket is not None
            return ticket

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        async with self.core.unit_of_work() as work:
            return list(await work.tickets.events(ticket_id))

    async def outbox(self, chat_id: int | None = None, since: int = 0) -> Sequence[OutboxMessage]:
        return await outbox_rows(self.core.db, chat_id, since)

    async def mark(self) -> int:
        rows = await self.outbox()
        return rows[-1].id if rows else 0


@pytest.fixture
async def world(db: Database, database_url: str) -> AsyncIterator[World]:
    await import_org(db, ORG)
    settings = Settings(database_url=database_url, admin_ids=frozenset({EXTRA_ADMIN}))
    core = Core(db, get_tagger(), settings)
    forwarding = Forwarding(core)
    answers = AnswerService(core, forwarding)
    yield World(db, core, IntakeService(core, forwarding), answers, TicketActions(core, forwarding, answers))
