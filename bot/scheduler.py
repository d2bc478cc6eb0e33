"""Periodic jobs of the running bot, on APScheduler 3's ``AsyncIOScheduler``.

Jobs hold no state of their own: each run computes what to do from the database (see ``bot.sla``), so a
missed run, a restart or a second instance loses or doubles nothing. Add a job with ``every`` (a fixed
interval) or ``cron`` (calendar times, in the offices' time zone); ``build_scheduler`` lists the bot's jobs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digest.delivery import DigestDeliveries
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.sla import SlaSweeper
from config.settings import parse_cron

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]
SLA_INTERVAL = 60.0


class Scheduler:
    def __init__(self, tz: ZoneInfo) -> None:
        self._scheduler = AsyncIOScheduler(timezone=tz)
        self._running: set[asyncio.Task[Any]] = set()
        self.names: list[str] = []

    def every(self, name: str, seconds: float, job: Job) -> None:
        """Run ``job`` every ``seconds`` (the first run one interval after start); never two at once."""
        self._add(name, job, "interval", seconds=seconds)

    def cron(self, name: str, job: Job, **fields: Any) -> None:
        """Run ``job`` at calendar times: APScheduler cron fields, e.g. ``day_of_week="mon", hour=7``."""
        self._add(name, job, "cron", **fields)

    def _add(self, name: str, job: Job, trigger: str, **fields: Any) -> None:
        async def run() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await job()
            except Exception:
                log.exception("job %s failed", name)
            finally:
                if task is not None:
                    self._running.discard(task)

        self._scheduler.add_job(
            run, trigger, id=name, name=name, max_instances=1, coalesce=True, misfire_grace_time=30, **fields
        )
        self.names.append(name)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Start firing jobs; call with the event loop running."""
        self._scheduler.start()
        log.info("scheduler started: %s", ", ".join(self.names) or "no jobs")

    async def stop(self, grace: float = 10.0) -> None:
        """Fire nothing more; let runs in progress finish (up to ``grace`` seconds, then cancel them)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a callback on the loop: let it run
        running = set(self._running)
        if running:
            _, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)


def build_scheduler(core: Core, forwarding: Forwarding, bot: Bot | None = None) -> Scheduler:
    """The bot's periodic jobs; add new ones here. ``bot`` is the running bot (it sends digest files)."""
    scheduler = Scheduler(core.settings.tz)
    sweeper = SlaSweeper(core, forwarding)
    scheduler.every("sla", SLA_INTERVAL, sweeper.run)
    scheduler.cron("digest", DigestDeliveries(core, bot=bot).run, **parse_cron(core.settings.digest_cron))
    return scheduler
