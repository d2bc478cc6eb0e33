"""``doithoai db upgrade``: apply the pending schema migrations."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from config.settings import Settings, SettingsError
from storage.database import Database

DATABASE_ERRORS = (SQLAlchemyError, OSError)


def describe_database_error(error: Exception, hint: str = "") -> str:
    """The driver's message, without the SQL statement SQLAlchemy appends; ``hint`` unless unreachable."""
    if isinstance(error, OSError) and not isinstance(error, SQLAlchemyError):
        return f"cannot reach the database: {error}"
    message = str(getattr(error, "orig", None) or error)
    return f"{message} ({hint})" if hint else message


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply pending migrations to DATABASE_URL")
    upgrade.set_defaults(handler=run_upgrade)


async def _upgrade(url: str) -> None:
    database = Database(url)
    try:
        await database.upgrade()
    finally:
        await database.close()


def run_upgrade(args: argparse.Namespace) -> int:
    try:
        url = Settings.from_env().database_url
        asyncio.run(_upgrade(url))
    except SettingsError as error:
        print(f"doithoai db upgrade: {error}", file=sys.stderr)
        return 2
    except DATABASE_ERRORS as error:
        print(f"doithoai db upgrade: {describe_database_error(error)}", file=sys.stderr)
        return 1
    print(f"database is up to date: {make_url(url).render_as_string(hide_password=True)}")
    return 0
