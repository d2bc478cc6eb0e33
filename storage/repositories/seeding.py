"""Bulk loading of synthetic history (``doithoai demo seed``): citizens and tickets, fast.

Tickets bypass the ORM. The generator (``bot.seeding``) hands over plain tuples in ``TICKET_COLUMNS``
order, with times already encoded by ``time_encoder`` (ISO text on SQLite, naive UTC ``datetime`` on
PostgreSQL, exactly what ``UTCDateTime`` would store). On PostgreSQL the rows stream into one binary
``COPY`` (asyncpg ``copy_records_to_table``), so the server parses while Python generates the next
rows; on SQLite they go through ``executemany`` in large batches inside one transaction, with
``PRAGMA synchronous=OFF`` and a large page cache for the duration of the load only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.models import Citizen, RoutingRule, Ticket, Unit

TICKET_COLUMNS: tuple[str, ...] = (
    "citizen_id",
    "source_kind",
    "source_chat_id",
    "source_message_id",
    "source_title",
    "language",
    "status",
    "topic",
    "topic_confidence",
    "needs_review",
    "urgent",
    "province_code",
    "ward_code",
    "candidate_wards",
    "locality_source",
    "context_ward_code",
    "needs_locality",
    "unit_id",
    "created_at",
    "last_message_at",
    "forwarded_at",
    "answered_at",
    "assignee_id",
    "first_response_due",
    "answer_due",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "overdue",
    "escalation_level",
    "citizen_resolved",
    "rating",
    "rated_at",
)
"""The columns of a generated ticket row, in order; the others keep NULL (``id`` comes from the sequence)."""

Row = tuple[Any, ...]
TimeEncoder = Callable[[int], Any]

_EPOCH = datetime(1970, 1, 1)
_SQLITE_CACHE_KIB = 262_144  # 256 MiB of page cache while loading: index pages stay in memory


def time_encoder(database: Database) -> TimeEncoder:
    """Whole UTC seconds since the epoch → the value the tickets table stores on this backend.

    SQLite: SQLAlchemy's text form ``YYYY-MM-DD HH:MM:SS.000000`` (days and seconds of the day are
    looked up in tables, the hot path makes no ``datetime``). PostgreSQL: a naive UTC ``datetime``.
    """
    if not database.is_sqlite:
        epoch, seconds = _EPOCH, timedelta

        def to_datetime(moment: int) -> datetime:
            return epoch + seconds(seconds=moment)

        return to_datetime
    times = [f"{h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)]
    days: dict[int, str] = {}

    def to_text(moment: int) -> str:
        day, second = divmod(moment, 86_400)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        return prefix + times[second]

    return to_text


async def load_org(database: Database) -> tuple[list[Unit], list[RoutingRule]]:
    async with database.transaction() as session:
        units = list(await session.scalars(select(Unit).order_by(Unit.id)))
        rules = list(await session.scalars(select(RoutingRule).order_by(RoutingRule.id)))
    return units, rules


async def ticket_count(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def insert_citizens(database: Database, rows: Sequence[dict[str, Any]]) -> int:
    """Adds the synthetic citizens that are not there yet; returns how many were new."""
    if not rows:
        return 0
    make_insert = sqlite_insert if database.is_sqlite else postgresql_insert
    async with database.transaction() as session:
        before = int(await session.scalar(select(func.count()).select_from(Citizen)) or 0)
        for start in range(0, len(rows), 5_000):
            chunk = list(rows[start : start + 5_000])
            await session.execute(make_insert(Citizen).on_conflict_do_nothing(), chunk)
        after = int(await session.scalar(select(func.count()).select_from(Citizen)) or 0)
    return after - before


async def bulk_insert_tickets(
    database: Database,
    batches: Iterator[list[Row]],
    on_batch: Callable[[int], None] | None = None,
    *,
    rebuild_indexes: bool = False,
) -> int:
    """Writes every batch of ``TICKET_COLUMNS`` rows in one transaction; returns the number of rows.

    ``batches`` is a plain (CPU-bound) iterator: it is advanced while the previous batch is being
    written, so generation and writing overlap (SQLite's thread, or the PostgreSQL server).

    ``rebuild_indexes`` drops the tickets' secondary indexes (and, on PostgreSQL, its foreign keys)
    inside the transaction and builds them again after the load: one sort per index instead of a
    million scattered B-tree insertions, and one join per foreign key instead of a trigger per row
    (for 1,000,000 rows on PostgreSQL: ~6 s instead of ~45 s). They are read from the catalog, so
    the migrations stay the only description of the schema. It locks the table for the whole load:
    for an empty or offline database only.
    """
    async with database.engine.connect() as connection:
        driver = await _driver(connection)
        if database.is_sqlite:
            return await _sqlite_load(driver, batches, on_batch, rebuild_indexes)
        return await _postgresql_load(driver, batches, on_batch, rebuild_indexes)


async def _driver(connection: AsyncConnection) -> Any:
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _sqlite_load(
    driver: Any, batches: Iterator[list[Row]], on_batch: Callable[[int], None] | None, rebuild: bool
) -> int:
    """``driver`` is the ``aiosqlite.Connection``."""
    columns = ", ".join(TICKET_COLUMNS)
    marks = ", ".join("?" for _ in TICKET_COLUMNS)
    statement = f"INSERT INTO tickets ({columns}) VALUES ({marks})"
    cursor = await driver.execute("PRAGMA cache_size")
    cache_row = await cursor.fetchone()
    await cursor.close()
    old_cache = int(cache_row[0]) if cache_row else -2000
    await driver.execute("PRAGMA synchronous=OFF")
    await driver.execute(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
    total = 0
    try:
        await driver.execute("BEGIN")
        indexes: list[tuple[str, str]] = []
        if rebuild:
            cursor = await driver.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL"
            )
            indexes = [(str(name), str(sql)) for name, sql in await cursor.fetchall()]
            await cursor.close()
            for name, _ in indexes:
                await driver.execute(f'DROP INDEX "{name}"')
        batch = next(batches, None)
        while batch is not None:
            writing = asyncio.ensure_future(driver.executemany(statement, batch))
            await asyncio.sleep(0)  # let the write start in aiosqlite's thread before generating more
            upcoming = next(batches, None)
            await writing
            total += len(batch)
            if on_batch is not None:
                on_batch(total)
            batch = upcoming
        if indexes:
            await driver.execute("PRAGMA threads=2")  # sort for each index on a second core
        for _, sql in indexes:
            await driver.execute(sql)
        await driver.commit()
    except BaseException:
        await driver.rollback()
        raise
    finally:
        await driver.execute("PRAGMA synchronous=NORMAL")
        await driver.execute(f"PRAGMA cache_size={old_cache}")
    return total


async def _postgresql_load(
    driver: Any, batches: Iterator[list[Row]], on_batch: Callable[[int], None] | None, rebuild: bool
) -> int:
    """``driver`` is the ``asyncpg.Connection``."""
    total = 0

    async def records() -> AsyncIterator[Row]:
        nonlocal total
        for batch in batches:
            for row in batch:
                yield row
            total += len(batch)
            if on_batch is not None:
                on_batch(total)

    async with driver.transaction():
        indexes: list[Any] = []
        foreign_keys: list[Any] = []
        if rebuild:
            await driver.execute("SET LOCAL maintenance_work_mem = '256MB'")
            indexes = await driver.fetch(
                "SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition "
                "FROM pg_index WHERE indrelid = 'tickets'::regclass AND NOT indisprimary AND NOT indisunique"
            )
            foreign_keys = await driver.fetch(
                "SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS definition "
                "FROM pg_constraint WHERE conrelid = 'tickets'::regclass AND contype = 'f'"
            )
            for key in foreign_keys:
                await driver.execute(f"ALTER TABLE tickets DROP CONSTRAINT {key['name']}")
            for index in indexes:
                await driver.execute(f"DROP INDEX {index['name']}")
        await driver.copy_records_to_table("tickets", records=records(), columns=list(TICKET_COLUMNS))
        for index in indexes:
            await driver.execute(index["definition"])
        if foreign_keys:
            clauses = ", ".join(f"ADD CONSTRAINT {key['name']} {key['definition']}" for key in foreign_keys)
            await driver.execute(f"ALTER TABLE tickets {clauses}")
    await driver.execute("ANALYZE tickets")
    return total
