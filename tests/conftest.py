"""Shared fixtures: a migrated database per test, on SQLite and on PostgreSQL.

``TEST_DATABASES`` (default ``sqlite,postgresql``) chooses the backends. PostgreSQL is expected at
``TEST_POSTGRES_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``); each test run makes
its own database there and drops it at the end. When PostgreSQL is down the PostgreSQL variants are
skipped with the reason — except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.models import Base

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = [b.strip() for b in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if b.strip()]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def shared_path(relative: str) -> Path:
    """A file under ../shared, or skip (fail under CI) with the reason when it is absent."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is absent (../shared is not beside the project)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


async def _admin_execute(statement: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    database = Database(f"sqlite+aiosqlite:///{path}")

    async def migrate() -> None:
        await database.upgrade()
        await database.close()

    asyncio.run(migrate())
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"doithoai_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    except (OSError, ImportError) as error:
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    database = Database(url)

    async def migrate() -> None:
        await database.upgrade()
        await database.close()

    asyncio.run(migrate())
    yield url
    asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_all(database: Database) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "doithoai.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        database = Database(url)

        async def clean() -> None:
            await _truncate_all(database)
            await database.close()

        asyncio.run(clean())
        return url
    raise ValueError(f"unknown backend {request.param!r} in TEST_DATABASES")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.close()


@pytest.fixture
def digest_history_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database holding the hand-built digest history (tests/digest/history.py), set as DATABASE_URL."""
    from tests.digest.history import build_history

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "vi")

    async def fill() -> None:
        database = Database(database_url)
        try:
            await build_history(database)
        finally:
            await database.close()

    asyncio.run(fill())
    return database_url
