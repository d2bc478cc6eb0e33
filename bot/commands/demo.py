"""``doithoai demo seed``: fill the database with a synthetic history for demos and benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as day_time
from typing import Any

from bot.commands.db import DATABASE_ERRORS, describe_database_error
from config.settings import Settings, SettingsError
from storage.database import Database

UPGRADE_HINT = "is the schema up to date? see `doithoai db upgrade`"


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def _until(text: str) -> datetime:
    """``YYYY-MM-DD`` (the end of that day, UTC) or an ISO date-time (UTC unless it says otherwise)."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), day_time.max, UTC).replace(microsecond=0)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not YYYY-MM-DD or an ISO date-time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="demo data: a synthetic history of tickets")
    actions = parser.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seeding = actions.add_parser(
        "seed",
        help="add N synthetic tickets over W weeks (creates a small demo organisation if there is none)",
    )
    seeding.add_argument("--tickets", type=_positive, default=10_000, metavar="N", help="default 10000")
    seeding.add_argument("--weeks", type=_positive, default=26, metavar="W", help="default 26")
    seeding.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    seeding.add_argument(
        "--until", type=_until, metavar="DATE", help="end of the history (default now; YYYY-MM-DD is UTC)"
    )
    seeding.set_defaults(handler=run_seed)


def _printer(total: int) -> Any:
    started = time.perf_counter()

    def progress(done: int, _total: int) -> None:
        elapsed = time.perf_counter() - started
        print(f"  {done:>12,} / {total:,} tickets  {elapsed:6.1f} s", file=sys.stderr, flush=True)

    return progress


async def _seed(url: str, args: argparse.Namespace) -> str:
    from bot.seeding import seed

    database = Database(url)
    try:
        summary = await seed(
            database,
            tickets=args.tickets,
            weeks=args.weeks,
            seed=args.seed,
            until=args.until,
            progress=_printer(args.tickets),
        )
    finally:
        await database.close()
    return summary.describe()


def run_seed(args: argparse.Namespace) -> int:
    if args.weeks < 1:
        print("doithoai demo seed: --weeks must be at least 1", file=sys.stderr)
        return 2
    try:
        url = Settings.from_env().database_url
        print(f"seeding {args.tickets:,} tickets over {args.weeks} weeks (seed {args.seed})", file=sys.stderr)
        print(asyncio.run(_seed(url, args)))
    except SettingsError as error:
        print(f"doithoai demo seed: {error}", file=sys.stderr)
        return 2
    except DATABASE_ERRORS as error:
        print(f"doithoai demo seed: {describe_database_error(error, UPGRADE_HINT)}", file=sys.stderr)
        return 1
    return 0
