"""What every service shares: the database, the tagger, settings, texts, and a unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import language_of
from bot.services.incoming import IncomingMessage
from bot.tagging import Tagger
from bot.texts import Presenter
from bot.workflow.sla import SlaPolicy
from bot.workflow.worktime import WorkCalendar
from config.settings import Settings
from storage.database import Database
from storage.models import MessageRole, TicketMessage, utcnow
from storage.repositories.citizens import CitizenRepository
from storage.repositories.org import OrgRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.sla import SlaRepository
from storage.repositories.tickets import TicketRepository


class UnitOfWork:
    """The repositories of one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.tickets = TicketRepository(session)
        self.citizens = CitizenRepository(session)
        self.org = OrgRepository(session)
        self.outbox = OutboxRepository(session)
        self.sla = SlaRepository(session)


def _nothing() -> None:
    return None


async def _settled_at_once(chat_id: int, within: float) -> None:
    return None


@dataclass
class Core:
    """The application's shared parts, built once at start-up and handed to every service."""

    db: Database
    tagger: Tagger
    settings: Settings
    wake_outbox: Callable[[], None] = field(default=_nothing)
    outbox_settled: Callable[[int, float], Awaitable[None]] = field(default=_settled_at_once)
    clock: Callable[[], datetime] = field(default=utcnow)
    """The current time for deadlines (tests pass a fixed one)."""

    def __post_init__(self) -> None:
        self.presenter = Presenter(self.tagger, self.settings.tz)
        self.calendar = WorkCalendar.load(hours=self.settings.office_hours, tz=self.settings.tz)
        self.sla_policy = SlaPolicy.from_taxonomy(self.calendar, self.tagger.topics)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with self.db.transaction() as session:
            yield UnitOfWork(session)

    def language_for(self, language_code: str | None) -> str:
        return language_of(language_code, self.settings.default_language)

    def is_extra_admin(self, user_id: int) -> bool:
        return user_id in self.settings.admin_ids


async def keep_message(
    work: UnitOfWork, ticket_id: int, role: MessageRole, incoming: IncomingMessage
) -> None:
    """Store a Telegram message as part of a ticket (its text, file and where it was), so nothing is lost."""
    await work.tickets.add_message(
        TicketMessage(
            ticket_id=ticket_id,
            role=role,
            chat_id=incoming.chat_id,
            message_id=incoming.message_id,
            author_id=incoming.author.id,
            kind=incoming.kind,
            text=incoming.text,
            file_id=incoming.file_id,
            media_group_id=incoming.media_group_id,
            created_at=incoming.sent_at,
        )
    )


class ServiceBase:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.tagger = core.tagger
        self.settings = core.settings
        self.presenter = core.presenter
        self.unit_of_work = core.unit_of_work
        self.language_for = core.language_for

    def wake_outbox(self) -> None:
        self.core.wake_outbox()
