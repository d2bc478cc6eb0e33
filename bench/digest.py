"""Digest benchmark: a one-week digest of a whole province over a big history, on SQLite and PostgreSQL.

The history is ``bot.seeding.seed`` (the ``doithoai demo seed`` generator): by default 1,000,000 tickets
over 104 weeks in the demo organisation (one province unit, its communes below it), ending Monday
23/11/2026 00:00 local time, so the digest measured is the last full week, 2026-W47, with the province
unit as scope (every unit). The database is seeded once, in a child process, then ``ANALYZE``d; it is
kept (``--sqlite-path``, database ``doithoai_bench_digest`` on ``TEST_POSTGRES_URL``'s server) and reused
while it holds the expected number of tickets.

The measurement runs in a fresh child process: ``DigestService.build`` once cold (first query after
connecting, empty caches of this process) and then best of 3, plus the process RSS (``VmRSS``) and its
peak (``VmHWM``) at the end. Targets: ≤ 1 s on PostgreSQL, ≤ 2 s on SQLite, RSS ≤ 300 MB.

    python -m bench.digest                       # both backends, 1,000,000 tickets
    python -m bench.digest --tickets 100000 --backends sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNTIL = datetime(2026, 11, 23, tzinfo=VN)
WEEK = "2026-W47"
SEED = 20_261_123
TICKETS = 1_000_000
WEEKS = 104
TARGET_SECONDS = {"sqlite": 2.0, "postgresql": 1.0}
TARGET_RSS_MB = 300.0
DEFAULT_SQLITE = Path("/tmp/doithoai-bench-digest.sqlite3")
BENCH_DATABASE = "doithoai_bench_digest"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _memory() -> dict[str, float]:
    values: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


async def _count(url: str) -> int:
    from storage.database import Database
    from storage.models import Ticket

    database = Database(url)
    try:
        async with database.session() as session:
            return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)
    except Exception:
        return -1
    finally:
        await database.close()


async def _prepare(url: str, tickets: int, weeks: int) -> dict[str, Any]:
    """Seed ``url`` unless it already holds ``tickets`` tickets; then ANALYZE."""
    from bot.seeding import seed
    from storage.database import Database

    if await _count(url) == tickets:
        return {"seeded": False}
    if make_url(url).get_backend_name() == "sqlite":
        await asyncio.to_thread(_remove_sqlite, Path(str(make_url(url).database)))
    else:
        await _recreate_postgres(url)
    database = Database(url)
    try:
        await database.upgrade()
        started = time.perf_counter()
        summary = await seed(database, tickets=tickets, weeks=weeks, seed=SEED, until=UNTIL)
        seconds = time.perf_counter() - started
        async with database.engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()
    finally:
        await database.close()
    return {"seeded": True, "seconds": round(seconds, 1), "tickets": summary.tickets}


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _recreate_postgres(url: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    admin = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        database=admin.database,
    )
    try:
        name = make_url(url).database
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _measure(url: str) -> dict[str, Any]:
    from bot.digest.period import parse_period
    from bot.digest.service import DigestService
    from storage.database import Database
    from storage.repositories.digests import DigestRepository

    database = Database(url)
    try:
        async with database.session() as session:
            parents = await DigestRepository(session).unit_parents()
        roots = sorted(unit for unit, parent in parents.items() if parent is None)
        service = DigestService(database)
        province = max(roots, key=lambda root: len(_descendants(parents, root)))
        scope = await service.scope_of_unit(province)
        period = parse_period(WEEK, VN)
        timings = []
        figures = None
        for _ in range(4):
            started = time.perf_counter()
            figures = await service.build(scope, period, now=UNTIL, scope_unit_id=province)
            timings.append(time.perf_counter() - started)
        assert figures is not None
        return {
            "province": province,
            "units": len(scope.unit_ids or ()),
            "cold": timings[0],
            "best": min(timings[1:]),
            "received": figures.received,
            "answered": figures.answered,
            "open": figures.open,
            "overdue": figures.overdue,
            "on_time_rate": figures.on_time_rate,
            "first_responses": figures.first_response_count,
            "resolutions": figures.resolution_count,
            **_memory(),
        }
    finally:
        await database.close()


def _descendants(parents: dict[str, str | None], root: str) -> frozenset[str]:
    from bot.digest.scope import descendants

    return descendants(parents, [root])


def _child(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.digest", *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.digest {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _urls(backends: list[str], sqlite_path: Path) -> dict[str, str]:
    urls = {}
    for backend in backends:
        if backend == "sqlite":
            urls[backend] = f"sqlite+aiosqlite:///{sqlite_path}"
        elif backend == "postgresql":
            urls[backend] = (
                make_url(POSTGRES_URL).set(database=BENCH_DATABASE).render_as_string(hide_password=False)
            )
        else:
            raise SystemExit(f"unknown backend {backend!r}")
    return urls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE)
    parser.add_argument("--prepare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args([] if argv is None and __name__ != "__main__" else argv)
    if args.prepare:
        print(json.dumps(asyncio.run(_prepare(args.prepare, args.tickets, args.weeks))))
        return 0
    if args.measure:
        print(json.dumps(asyncio.run(_measure(args.measure))))
        return 0
    missed = []
    for backend, url in _urls(
        [b.strip() for b in args.backends.split(",") if b.strip()], args.sqlite_path
    ).items():
        print(f"-- {backend}: {args.tickets:,} tickets over {args.weeks} weeks", flush=True)
        prepared = _child("--prepare", url, "--tickets", str(args.tickets), "--weeks", str(args.weeks))
        if prepared.get("seeded"):
            print(f"   seeded in {prepared['seconds']} s", flush=True)
        result = _child("--measure", url)
        print(
            f"   digest {WEEK} of {result['province']} ({result['units']} units): cold {result['cold'] * 1000:.0f} ms, "
            f"best of 3 {result['best'] * 1000:.0f} ms (target ≤ {TARGET_SECONDS[backend] * 1000:.0f} ms); "
            f"RSS {result['VmRSS']:.0f} MB, peak {result['VmHWM']:.0f} MB (target ≤ {TARGET_RSS_MB:.0f} MB)"
        )
        print(
            f"   figures: received {result['received']:,}, answered {result['answered']:,}, open {result['open']:,}, "
            f"overdue {result['overdue']:,}, on time {result['on_time_rate']}, "
            f"medians over {result['first_responses']:,} / {result['resolutions']:,} tickets"
        )
        if result["cold"] > TARGET_SECONDS[backend] or result["VmHWM"] > TARGET_RSS_MB:
            missed.append(backend)
    if missed:
        print("digest targets missed on: " + ", ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
