"""The scheduler runs its jobs repeatedly, survives a failing run, and waits for a run in progress on stop."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot.scheduler import Scheduler, build_scheduler
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.tagging import get_tagger
from config.settings import Settings
from storage.database import Database

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_a_job_runs_every_interval_even_after_a_failure() -> None:
    scheduler = Scheduler(VN)
    runs: list[int] = []
    third = asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the first run fails")
        if len(runs) == 3:
            third.set()

    scheduler.every("test", 0.02, job)
    scheduler.start()
    try:
        await asyncio.wait_for(third.wait(), 5)
    finally:
        await scheduler.stop()
    assert not scheduler.running


async def test_stop_lets_a_run_in_progress_finish() -> None:
    scheduler = Scheduler(VN)
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def job() -> None:
        started.set()
        await release.wait()
        finished.set()

    scheduler.every("slow", 0.01, job)
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(scheduler.stop(grace=5))
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished.is_set()


async def test_the_bot_schedules_the_sla_sweep(db: Database) -> None:
    core = Core(db, get_tagger(), Settings(database_url=db.url))
    assert build_scheduler(core, Forwarding(core)).names == ["sla", "digest"]
