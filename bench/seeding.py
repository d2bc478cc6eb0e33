"""Seeding benchmark: ``bot.seeding.seed`` of 1,000,000 tickets over 104 weeks into a fresh database.

Each backend runs in its own child process (so peak RSS is that backend's alone): a fresh SQLite
file in a temporary directory, and a fresh PostgreSQL database at ``BENCH_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``; the benchmark creates and drops its own
database there, and skips PostgreSQL with the reason when it is unreachable). Target: ≤ 60 s each.
``BENCH_SEED_TICKETS`` changes the number of tickets (for a quick try).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

TICKETS = int(os.environ.get("BENCH_SEED_TICKETS", "1000000"))
WEEKS = 104
SEED = 20_261_124
UNTIL = datetime(2026, 11, 20, tzinfo=UTC)
TARGET_S = 60.0
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def _admin(statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _child(url: str) -> dict[str, float]:
    """Runs in the child: migrate, then seed (timed), then report."""
    from bot.seeding import seed
    from storage.database import Database

    database = Database(url)
    try:
        await database.upgrade()
        summary = await seed(database, tickets=TICKETS, weeks=WEEKS, seed=SEED, until=UNTIL)
    finally:
        await database.close()
    return {
        "seconds": summary.seconds,
        "tickets": summary.tickets,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run_child(url: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.seeding", "--child", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def _cpu_model() -> str:
    from bench.tagging import cpu_model

    return cpu_model()


def main() -> int:
    rows: list[tuple[str, str, str, bool]] = []
    with tempfile.TemporaryDirectory() as directory:
        result = _run_child(f"sqlite+aiosqlite:///{Path(directory) / 'seed.sqlite3'}")
        rows.append(_row("SQLite", result))
        size = (Path(directory) / "seed.sqlite3").stat().st_size / 2**20
    name = f"doithoai_bench_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, ImportError) as error:
        print(f"PostgreSQL skipped: not reachable at {POSTGRES_URL}: {error}")
    else:
        try:
            url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
            rows.append(_row("PostgreSQL", _run_child(url)))
        finally:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(
        f"{TICKETS:,} tickets over {WEEKS} weeks, seed {SEED}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs ({_cpu_model()}); load average {os.getloadavg()[0]:.1f}; "
        f"SQLite file {size:,.0f} MiB"
    )
    print(f"{'backend':<12} {'time':>10} {'rate':>16} {'peak RSS':>10}  {'target':<8} ok")
    for backend, value, extra, ok in rows:
        print(f"{backend:<12} {value:>10} {extra}  {'≤ 60 s':<8} {'yes' if ok else 'NO'}")
    return 0 if all(ok for *_, ok in rows) else 1


def _row(backend: str, result: dict[str, float]) -> tuple[str, str, str, bool]:
    seconds = result["seconds"]
    rate = f"{result['tickets'] / seconds:>10,.0f} rows/s {result['peak_rss_mb']:>8.0f} MB"
    return backend, f"{seconds:.1f} s", rate, seconds <= TARGET_S


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(_child(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
