"""``doithoai run``: the bot on long polling; with no ``BOT_TOKEN``, a scripted demo against the sandbox."""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

from bot import logs
from config.settings import Settings

NO_TOKEN = """\
BOT_TOKEN is not set, so here is a short demo against the local sandbox emulator instead.
To run the real bot: talk to @BotFather in Telegram, send /newbot, copy the token it gives you,
then run:  BOT_TOKEN=123456:ABC... make run   (or put it in .env — see .env.example).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="run the bot (long polling); a demo when BOT_TOKEN is unset")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.bot_token:
        from bot.demo import run_demo

        logs.configure(settings.log_level if "LOG_LEVEL" in os.environ else "WARNING")
        print(NO_TOKEN)
        return asyncio.run(run_demo())
    from bot.app import Application

    logs.configure(settings.log_level)
    asyncio.run(Application(settings).run_polling())
    return 0
