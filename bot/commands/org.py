"""``doithoai org import FILE.yaml`` and ``doithoai org export``: the organisation file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.commands.db import DATABASE_ERRORS, describe_database_error
from bot.org.loader import OrgRejected, export_org, import_org
from bot.org.spec import ImportSummary
from config.settings import Settings, SettingsError
from storage.database import Database

UPGRADE_HINT = "is the schema up to date? see `doithoai db upgrade`"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "org", help="import or export the organisation file (units, routes, groups)"
    )
    actions = parser.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    importing = actions.add_parser("import", help="validate FILE and upsert it into the database")
    importing.add_argument("file", metavar="FILE", help="organisation file (YAML)")
    importing.set_defaults(handler=run_import)
    exporting = actions.add_parser("export", help="write the organisation from the database as YAML")
    exporting.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    exporting.set_defaults(handler=run_export)


async def _import(url: str, text: str) -> ImportSummary:
    database = Database(url)
    try:
        return await import_org(database, text)
    finally:
        await database.close()


async def _export(url: str) -> str:
    database = Database(url)
    try:
        return await export_org(database)
    finally:
        await database.close()


def _fail(command: str, message: str) -> None:
    print(f"doithoai org {command}: {message}", file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail("import", f"cannot read {args.file}: {error}")
        return 1
    try:
        summary = asyncio.run(_import(Settings.from_env().database_url, text))
    except SettingsError as error:
        _fail("import", str(error))
        return 2
    except OrgRejected as rejected:
        for problem in rejected.problems:
            print(problem.render(args.file), file=sys.stderr)
        _fail("import", f"{len(rejected.problems)} problem(s) found; nothing was changed")
        return 1
    except DATABASE_ERRORS as error:
        _fail("import", f"nothing was changed: {describe_database_error(error, UPGRADE_HINT)}")
        return 1
    print(f"imported {args.file}\n{summary.describe()}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        text = asyncio.run(_export(Settings.from_env().database_url))
    except SettingsError as error:
        _fail("export", str(error))
        return 2
    except DATABASE_ERRORS as error:
        _fail("export", describe_database_error(error, UPGRADE_HINT))
        return 1
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as error:
        _fail("export", f"cannot write {args.out}: {error}")
        return 1
    return 0
