"""``doithoai digest``: a digest of one scope and period, printed or written to a file.

    doithoai digest --scope xa-tan-phu --week 2026-W46 --format json --out w46.json
    doithoai digest --scope all --from 2026-11-01 --to 2026-11-30

``--scope`` is a unit id (the unit and every unit below it) or ``all``. The period is ``--week`` (an ISO
week, "this week" or "last week"; last week by default) or ``--from``/``--to`` (local days, both
included). ``text`` is the Telegram HTML message; ``json`` every figure (see ``bot.digest.figures``);
``png`` the chart, ``xlsx`` the workbook and ``csv`` its Tickets rows (``bot.digest.chart``, ``workbook``,
``csv_export``; xlsx and png need ``--out``). Files name citizens only with ``--with-citizens``, which
the command line (the operator's, a global admin's, tool) allows for the whole organisation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.commands.db import DATABASE_ERRORS, describe_database_error
from bot.digest.figures import DigestFigures
from bot.digest.period import Period, PeriodError, parse_period
from bot.digest.render_text import render_digest
from bot.digest.scope import Scope
from bot.digest.service import DigestService, UnknownUnit
from bot.i18n import SUPPORTED
from config.settings import Settings, SettingsError
from storage.database import Database

FORMATS = ("text", "json", "xlsx", "png", "csv")
READY_FORMATS = FORMATS
FILE_FORMATS = ("xlsx", "png", "csv")
BINARY_FORMATS = ("xlsx", "png")
UPGRADE_HINT = "is the schema up to date? see `doithoai db upgrade`"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "digest", help="the digest of a unit (and all below it) for a week or dates"
    )
    parser.add_argument("--scope", default="all", metavar="UNIT", help="a unit id, or `all` (default)")
    parser.add_argument(
        "--week", metavar="WEEK", help='an ISO week like 2026-W46, "this week" or "last week" (default)'
    )
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD (with --to)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD, included")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--lang", choices=SUPPORTED, help="language of the text (default DEFAULT_LANGUAGE)")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--with-citizens",
        action="store_true",
        help="name the citizens in the xlsx/csv Tickets rows (whole organisation only: --scope all; "
        "anonymous citizens stay anonymous)",
    )
    parser.set_defaults(handler=run)


def _fail(message: str) -> None:
    print(f"doithoai digest: {message}", file=sys.stderr)


def period_from_args(args: argparse.Namespace, settings: Settings) -> Period:
    if args.week and (args.date_from or args.date_to):
        raise PeriodError("give either --week or --from/--to, not both")
    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            raise PeriodError("--from and --to go together")
        return parse_period(f"{args.date_from} {args.date_to}", settings.tz)
    return parse_period(args.week or "last week", settings.tz)


async def _build(url: str, scope_arg: str, period: Period) -> tuple[DigestFigures, str | None]:
    database = Database(url)
    try:
        service = DigestService(database)
        if scope_arg == "all":
            return await service.build(Scope.everything(), period), None
        scope = await service.scope_of_unit(scope_arg)
        figures = await service.build(scope, period, scope_unit_id=scope_arg)
        return figures, await service.unit_name(scope_arg)
    finally:
        await database.close()


async def _build_file(
    settings: Settings, scope_arg: str, period: Period, fmt: str, locale: str, with_citizens: bool = False
) -> tuple[DigestFigures, bytes]:
    """The figures and the xlsx / png / csv file (citizens named only with ``with_citizens``)."""
    from bot.digest.csv_export import render_csv
    from bot.digest.delivery import chart_png, workbook_xlsx
    from bot.digest.workbook import load_tickets

    database = Database(settings.database_url)
    try:
        service = DigestService(database)
        scope = Scope.everything() if scope_arg == "all" else await service.scope_of_unit(scope_arg)
        unit_id = None if scope_arg == "all" else scope_arg
        figures = await service.build(scope, period, scope_unit_id=unit_id)
        unit_name = None if unit_id is None else await service.unit_name(unit_id)
        if fmt == "png":
            return figures, await chart_png(database, scope, period, figures, locale, unit_name, settings.tz)
        if fmt == "xlsx":
            return figures, await workbook_xlsx(
                database,
                scope,
                period,
                figures,
                locale,
                unit_name,
                settings.tz,
                include_citizens=with_citizens,
            )
        tickets = await load_tickets(database, scope, period, include_citizens=with_citizens)
    finally:
        await database.close()
    return figures, render_csv(figures, tickets, locale, tz=settings.tz, include_citizens=with_citizens)


def run(args: argparse.Namespace) -> int:
    if args.with_citizens and (args.scope != "all" or args.format not in ("xlsx", "csv")):
        _fail(
            "--with-citizens is for the whole organisation's workbook or CSV: --scope all --format xlsx|csv"
        )
        return 2
    if args.format in BINARY_FORMATS and not args.out:
        _fail(
            f"--format {args.format} writes a binary file: give --out FILE (e.g. --out digest.{args.format})"
        )
        return 2
    try:
        settings = Settings.from_env()
        period = period_from_args(args, settings)
    except (SettingsError, PeriodError) as error:
        _fail(str(error))
        return 2
    locale = args.lang or settings.default_language
    payload: bytes | None = None
    try:
        if args.format in FILE_FORMATS:
            figures, payload = asyncio.run(
                _build_file(settings, args.scope, period, args.format, locale, args.with_citizens)
            )
            unit_name = None
        else:
            figures, unit_name = asyncio.run(_build(settings.database_url, args.scope, period))
    except UnknownUnit:
        _fail(f"unknown unit {args.scope!r} (give a unit id from the org file, or `all`)")
        return 2
    except DATABASE_ERRORS as error:
        _fail(describe_database_error(error, UPGRADE_HINT))
        return 1
    if payload is not None:
        if args.out is None:  # csv only: the binary formats need --out
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
            return 0
        try:
            Path(args.out).write_bytes(payload)
        except OSError as error:
            _fail(f"cannot write {args.out}: {error}")
            return 1
        return 0
    if args.format == "json":
        output = json.dumps(figures.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        output = render_digest(figures, args.lang or settings.default_language, unit_name) + "\n"
    if args.out is None:
        sys.stdout.write(output)
        return 0
    try:
        Path(args.out).write_text(output, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {args.out}: {error}")
        return 1
    return 0
