"""The sandbox Bot API emulator over loopback, a real aiogram Bot talking to it, and outbox workers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.outbox import OutboxWorker
from sandbox.driver import Sandbox
from storage.database import Database


@dataclass
class Telegram:
    sb: Sandbox
    bot: Bot
    workers: list[OutboxWorker] = field(default_factory=list)


@pytest.fixture
async def telegram() -> AsyncIterator[Telegram]:
    async with Sandbox.start(token="123456:TEST-token", bot_username="doithoai_bot") as sb:
        session = AiohttpSession(api=TelegramAPIServer.from_base(sb.base_url), timeout=10)
        telegram = Telegram(sb, Bot(sb.token, session=session))
        yield telegram
        for worker in telegram.workers:
            await worker.stop(drain_timeout=0)
        await session.close()
        assert sb.violations == []


WorkerFactory = Callable[..., OutboxWorker]


@pytest.fixture
def make_worker(db: Database, telegram: Telegram) -> WorkerFactory:
    """A worker on the test database and the emulator (stopped at the end of the test)."""

    def make(database: Database = db, **options: Any) -> OutboxWorker:
        options.setdefault("instance", f"test-{len(telegram.workers)}")
        worker = OutboxWorker(database, telegram.bot, **options)
        telegram.workers.append(worker)
        return worker

    return make
