"""Building blocks of the deadline tests: a core with a fixed clock, an organisation, tickets, the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.org.loader import import_org
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.sla import SlaSweeper, SweepReport
from bot.tagging import get_tagger
from config.settings import Settings
from storage.database import Database
from storage.models import Citizen, MessageRole, OutboxMessage, SlaNotice, SourceKind, Ticket, TicketMessage
from tests.support.outbox import outbox_rows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE_CHAT, COMMUNE_CHAT, WATER_CHAT, OTHER_CHAT = -1001, -1002, -1003, -1004
CITIZEN = 501
VINH_TUONG = 17357
NGHIA_KHANH = 17032

ORG = f"""
units:
  - id: nghe-an
    name: "UBND tỉnh Nghệ An"
    locality: 40
    staff_chat: {PROVINCE_CHAT}
  - id: vinh-tuong
    name: "UBND xã Vĩnh Tường"
    locality: {VINH_TUONG}
    parent: nghe-an
    staff_chat: {COMMUNE_CHAT}
  - id: vinh-tuong-water
    name: "Tổ nước sạch xã Vĩnh Tường"
    locality: {VINH_TUONG}
    parent: vinh-tuong
    staff_chat: {WATER_CHAT}
  - id: nghia-khanh
    name: "UBND xã Nghĩa Khánh"
    locality: {NGHIA_KHANH}
    parent: nghe-an
    staff_chat: {OTHER_CHAT}
    sla: {{transport: 3d, "*": 4d}}
routes:
  - {{locality: {VINH_TUONG}, topic: water, unit: vinh-tuong-water}}
  - {{locality: {VINH_TUONG}, topic: "*", unit: vinh-tuong}}
  - {{locality: {NGHIA_KHANH}, topic: "*", unit: nghia-khanh}}
  - {{locality: 40, topic: "*", unit: nghe-an}}
"""


def at(text: str) -> datetime:
    """A local (Vietnam) time written ``2026-12-01 09:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Env:
    db: Database
    core: Core
    forwarding: Forwarding
    sweeper: SlaSweeper
    clock: Clock

    async def ticket(
        self,
        topic: str = "transport",
        ward: int = VINH_TUONG,
        urgent: bool = False,
        when: datetime | None = None,
        source: SourceKind = SourceKind.PRIVATE,
        acknowledged: bool = True,
    ) -> int:
        """A citizen's ticket, created and routed at ``when`` (default: the clock); ``acknowledged``: an
        official already responded (so only the answer deadline is in play)."""
        if when is not None:
            self.clock.now = when
        now = self.clock.now
        async with self.core.unit_of_work() as work:
            if await work.citizens.get(CITIZEN) is None:
                work.session.add(Citizen(user_id=CITIZEN, display_name="Lan"))
                await work.session.flush()
            ticket = await work.tickets.add(
                Ticket(
                    citizen_id=CITIZEN,
                    source_kind=source,
                    source_chat_id=CITIZEN if source == SourceKind.PRIVATE else -555,
                    source_message_id=10,
                    topic=topic,
                    urgent=urgent,
                    province_code=40,
                    ward_code=ward,
                    created_at=now,
                    last_message_at=now,
                )
            )
            await work.tickets.add_message(
                TicketMessage(
                    ticket_id=ticket.id,
                    role=MessageRole.CITIZEN,
                    chat_id=ticket.source_chat_id,
                    message_id=10 + ticket.id,
                    author_id=CITIZEN,
                    text="…",
                    created_at=now,
                )
            )
            assert await self.forwarding.route(work, ticket, None)
            if acknowledged:
                ticket.first_response_at = now
            return ticket.id

    async def get(self, ticket_id: int) -> Ticket:
        async with self.db.session() as session:
            ticket = await session.get(Ticket, ticket_id)
            assert ticket is not None
            return ticket

    async def update(self, ticket_id: int, **values: object) -> None:
        async with self.db.transaction() as session:
            ticket = await session.get(Ticket, ticket_id)
            assert ticket is not None
            for name, value in values.items():
                setattr(ticket, name, value)

    async def outbox(
        self, chat_id: int | None = None, after: int = 0, summaries: bool = False
    ) -> list[OutboxMessage]:
        """Outbox rows after ``after``; daily summaries (tested on their own) only with ``summaries``."""
        rows = await outbox_rows(self.db, chat_id, after)
        return [row for row in rows if summaries or not _is_summary(row)]

    async def last_outbox_id(self) -> int:
        rows = await self.outbox(summaries=True)
        return rows[-1].id if rows else 0

    async def texts(self, chat_id: int, after: int = 0, summaries: bool = False) -> list[str]:
        return [
            str(row.payload.get("text"))
            for row in await self.outbox(chat_id, after, summaries)
            if row.method == "sendMessage"
        ]

    async def notice_keys(self) -> list[str]:
        async with self.db.session() as session:
            return sorted(await session.scalars(select(SlaNotice.key)))


def _is_summary(row: OutboxMessage) -> bool:
    return row.ticket_id is None and str(row.payload.get("text", "")).startswith("📋")


def about_tickets(report: SweepReport) -> int:
    """What a sweep sent about single tickets (not the daily summaries)."""
    return report.sent - report.summaries


def make_env(db: Database, now: datetime) -> Env:
    clock = Clock(now)
    core = Core(db, get_tagger(), Settings(database_url=db.url), clock=clock)
    forwarding = Forwarding(core)
    return Env(db, core, forwarding, SlaSweeper(core, forwarding), clock)


async def setup_env(db: Database, now: datetime) -> Env:
    await import_org(db, ORG)
    return make_env(db, now)
