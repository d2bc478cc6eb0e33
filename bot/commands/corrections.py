"""``doithoai tagger corrections --export``: stored corrections as labelled examples (JSON Lines)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.services.corrections import export_corrections
from bot.tagging import get_tagger
from config.settings import Settings
from storage.database import Database


def add_corrections(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "corrections", help="the topic and place corrections made by staff and citizens, as labelled examples"
    )
    parser.add_argument(
        "--export", action="store_true", required=True, help="write them in the dev-set format"
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.set_defaults(handler=run_export)


async def _collect(url: str) -> list[dict[str, Any]]:
    database = Database(url)
    try:
        return await export_corrections(database, get_tagger())
    finally:
        await database.close()


def run_export(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    examples = asyncio.run(_collect(settings.database_url))
    lines = "".join(json.dumps(example, ensure_ascii=False) + "\n" for example in examples)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(lines)
    else:
        sys.stdout.write(lines)
    print(f"{len(examples)} corrected ticket(s) exported", file=sys.stderr)
    return 0
