"""``doithoai jobs run JOB [--now ISO8601]``: run one periodic job once, as of a given time.

Operations use it to catch up by hand, tests to drive the clock. The messages the job owes go to the
outbox; a running bot delivers them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.commands.db import DATABASE_ERRORS, describe_database_error
from bot.digest.delivery import DigestDeliveries
from bot.services.base import Core
from bot.services.forwarding import Forwarding
from bot.sla import SlaSweeper
from bot.tagging import get_tagger
from config.settings import Settings, SettingsError
from storage.database import Database


async def run_sla(core: Core, now: datetime) -> str:
    report = await SlaSweeper(core, Forwarding(core)).run(now)
    return report.describe()


async def run_digest(core: Core, now: datetime) -> str:
    """Last week's digest to every recipient not yet served (the files need BOT_TOKEN: sent directly)."""
    if not core.settings.bot_token:
        raise SettingsError("BOT_TOKEN is needed to send the digest's chart and workbook")
    report = await DigestDeliveries(core).run(now)
    return report.describe()


JOBS: dict[str, Callable[[Core, datetime], Awaitable[str]]] = {"sla": run_sla, "digest": run_digest}
"""Job name → one run as of a time, returning what it did; add a job here."""


def parse_now(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset (write e.g. 2026-12-01T09:00:00+07:00)")
    return moment


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("jobs", help="run periodic jobs by hand")
    actions = parser.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="run one job once against DATABASE_URL")
    run.add_argument("job", choices=sorted(JOBS), help="which job")
    run.add_argument("--now", type=parse_now, default=None, help="as of this time (ISO 8601 with offset)")
    run.set_defaults(handler=run_job)


async def _run(settings: Settings, job: str, now: datetime | None) -> str:
    database = Database(settings.database_url)
    try:
        core = Core(database, get_tagger(), settings)
        return await JOBS[job](core, now or core.clock())
    finally:
        await database.close()


def run_job(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
        result = asyncio.run(_run(settings, args.job, args.now))
    except SettingsError as error:
        print(f"doithoai jobs run: {error}", file=sys.stderr)
        return 2
    except DATABASE_ERRORS as error:
        print(f"doithoai jobs run: {describe_database_error(error)}", file=sys.stderr)
        return 1
    print(f"{args.job}: {result}")
    return 0
