"""The weekly digest job, subscriptions and /digest's scope, on both databases (``tests/digest/history.py``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.digest.delivery import DigestDeliveries, Outcome
from bot.digest.period import parse_period
from bot.scheduler import build_scheduler
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.tagging import get_tagger
from config.settings import Settings, SettingsError, parse_cron
from storage.database import Database
from storage.models import DigestDelivery, OutboxMessage
from tests.digest.history import VN, build_history

MONDAY = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # Monday 30/11 07:30 local: the digest of 2026-W48
GROUP = -100_777


@dataclass
class FakeBot:
    """Records the files the job uploads (the text goes through the outbox)."""

    photos: list[tuple[int, bytes]] = field(default_factory=list)
    documents: list[tuple[int, bytes]] = field(default_factory=list)

    async def send_photo(self, chat_id: int, photo: Any, **_: Any) -> None:
        self.photos.append((chat_id, photo.data))

    async def send_document(self, chat_id: int, document: Any, **_: Any) -> None:
        self.documents.append((chat_id, document.data))


@pytest.fixture
async def core(db: Database) -> Core:
    await build_history(db)
    return Core(db, get_tagger(), Settings(database_url=db.url), clock=lambda: MONDAY)


def deliveries(core: Core, bot: FakeBot) -> DigestDeliveries:
    return DigestDeliveries(core, bot=cast(Bot, bot))


async def texts(db: Database) -> dict[int, list[str]]:
    async with db.session() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    found: dict[int, list[str]] = {}
    for row in rows:
        assert row.method == "sendMessage"
        found.setdefault(row.chat_id, []).append(row.payload["text"])
    return found


async def test_admins_get_last_week_once_across_runs_restarts_and_instances(core: Core, db: Database) -> None:
    bot = FakeBot()
    first = await deliveries(core, bot).run(MONDAY)
    assert first.week == "2026-W48"
    assert sorted(first.sent) == [1, 2, 3] and first.failed == []
    sent = await texts(db)
    assert sorted(sent) == [1, 2, 3] and all(len(items) == 1 for items in sent.values())
    assert sorted(chat for chat, _ in bot.photos) == [1, 2, 3]
    assert all(data.startswith(b"\x89PNG") for _, data in bot.photos)
    assert sorted(chat for chat, _ in bot.documents) == [1, 2, 3]
    assert all(data.startswith(b"PK") for _, data in bot.documents)

    again = await deliveries(core, bot).run(MONDAY.replace(hour=5))  # the same week, later that day
    restarted_core = Core(db, core.tagger, core.settings, clock=core.clock)  # a new process on the same DB
    restarted = await deliveries(restarted_core, bot).run(MONDAY)
    assert again.sent == restarted.sent == [] and again.skipped == restarted.skipped == 3
    assert len(bot.photos) == len(bot.documents) == 3
    assert sum(len(items) for items in (await texts(db)).values()) == 3
    async with db.session() as session:
        rows = (await session.scalars(select(DigestDelivery))).all()
    assert sorted((row.chat_id, row.week) for row in rows) == [
        (1, "2026-W48"),
        (2, "2026-W48"),
        (3, "2026-W48"),
    ]


async def test_two_instances_at_once_send_each_digest_once(core: Core, db: Database) -> None:
    bot_a, bot_b = FakeBot(), FakeBot()
    other = Core(db, core.tagger, core.settings, clock=core.clock)
    reports = await asyncio.gather(deliveries(core, bot_a).run(MONDAY), deliveries(other, bot_b).run(MONDAY))
    assert sorted(reports[0].sent + reports[1].sent) == [1, 2, 3]
    assert sorted(chat for chat, _ in bot_a.photos + bot_b.photos) == [1, 2, 3]
    assert sorted(await texts(db)) == [1, 2, 3]


async def test_a_unit_admins_digest_holds_only_their_units(core: Core, db: Database) -> None:
    await deliveries(core, FakeBot()).run(MONDAY)
    sent = await texts(db)
    assert "Xã A" in sent[2][0] and "Xã B" not in sent[2][0] and "Phạm vi: UBND Xã A &lt;b&gt;" in sent[2][0]
    assert "Xã B" in sent[3][0] and "Xã A" not in sent[3][0]
    assert "tất cả các đơn vị" in sent[1][0]

    service = deliveries(core, FakeBot())
    w48 = parse_period("2026-W48", VN)
    answer = await service.on_demand(2, w48, None, "vi")
    assert answer.digest is not None
    figures = answer.digest.figures
    assert figures.scope_units == ("xa-a", "xa-a-ca")
    assert {unit.id for unit in figures.units} <= {"xa-a", "xa-a-ca"}
    everything = await service.on_demand(1, w48, None, "vi")
    assert (
        everything.digest is not None
        and everything.digest.figures.current.received > figures.current.received
    )

    assert (await service.on_demand(2, w48, "xa-b", "vi")).outcome is Outcome.OUTSIDE_SCOPE
    assert (await service.on_demand(2, w48, "tinh", "vi")).outcome is Outcome.OUTSIDE_SCOPE
    assert (await service.on_demand(2, w48, "no-such-unit", "vi")).outcome is Outcome.OUTSIDE_SCOPE
    assert (await service.on_demand(4, w48, None, "vi")).outcome is Outcome.NOT_ALLOWED
    narrowed = await service.on_demand(2, w48, "xa-a-ca", "en")
    assert narrowed.digest is not None and narrowed.digest.figures.scope_units == ("xa-a-ca",)


async def test_subscriptions_and_opt_outs_decide_the_recipients(core: Core, db: Database) -> None:
    service = deliveries(core, FakeBot())
    assert await service.subscribe(4, GROUP, None, "vi") is Outcome.NOT_ALLOWED
    assert await service.subscribe(3, GROUP, "xa-a", "vi") is Outcome.OUTSIDE_SCOPE
    assert await service.subscribe(3, GROUP, "xa-b", "en") is Outcome.DONE
    assert await service.subscribe(3, GROUP, "xa-b", "en") is Outcome.DONE  # idempotent
    assert await service.unsubscribe(2, 2) is Outcome.DONE  # unit admin 2 opts out in their private chat
    assert await service.unsubscribe(4, 4) is Outcome.NOT_ALLOWED
    recipients = {r.chat_id: r for r in await service.recipients()}
    assert sorted(recipients) == [GROUP, 1, 3]
    assert recipients[GROUP].language == "en" and recipients[GROUP].roots == ("xa-b",)
    assert recipients[GROUP].scope.unit_ids == frozenset({"xa-b"})
    assert recipients[1].scope.is_global

    assert await service.subscribe(2, 2, "xa-a-ca", "vi") is Outcome.DONE  # back, narrowed to one unit
    assert await service.unsubscribe(3, GROUP) is Outcome.DONE
    recipients = {r.chat_id: r for r in await service.recipients()}
    assert sorted(recipients) == [1, 2, 3]
    assert recipients[2].scope.unit_ids == frozenset({"xa-a-ca"})

    report = await service.run(MONDAY)
    assert sorted(report.sent) == [1, 2, 3]


async def test_a_group_subscription_lapses_when_its_admin_loses_the_unit(core: Core, db: Database) -> None:
    from sqlalchemy import delete

    from storage.models import UnitAdmin

    service = deliveries(core, FakeBot())
    assert await service.subscribe(3, GROUP, None, "vi") is Outcome.DONE
    assert GROUP in {r.chat_id for r in await service.recipients()}
    async with db.transaction() as session:
        await session.execute(delete(UnitAdmin).where(UnitAdmin.user_id == 3))
    assert GROUP not in {r.chat_id for r in await service.recipients()}


def test_digest_cron_is_read_as_a_crontab_with_monday_as_1() -> None:
    assert Settings.from_env({}).digest_cron == "30 7 * * 1"
    assert Settings.from_env({"DIGEST_CRON": "  0  8 * * 1-5 "}).digest_cron == "0 8 * * 1-5"
    assert parse_cron("30 7 * * 1") == {
        "minute": "30",
        "hour": "7",
        "day": "*",
        "month": "*",
        "day_of_week": "mon",
    }
    assert parse_cron("0 8 * * 0")["day_of_week"] == parse_cron("0 8 * * 7")["day_of_week"] == "sun"
    assert parse_cron("0 8 * * 5-7")["day_of_week"] == "fri,sat,sun"
    for bad in ("30 7 * *", "61 7 * * 1", "30 7 * * 8", "every monday", "30 7 * * x"):
        with pytest.raises(SettingsError, match="DIGEST_CRON"):
            Settings.from_env({"DIGEST_CRON": bad})


def test_the_scheduler_fires_the_digest_on_monday_morning_local_time() -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", digest_cron="30 7 * * 1")
    core = Core(Database(settings.database_url), get_tagger(), settings)
    scheduler = build_scheduler(core, Forwarding(core))
    assert "digest" in scheduler.names
    trigger = scheduler._scheduler.get_job("digest").trigger
    wednesday = datetime(2026, 11, 25, 12, tzinfo=VN)
    assert trigger.get_next_fire_time(None, wednesday) == datetime(2026, 11, 30, 7, 30, tzinfo=VN)
