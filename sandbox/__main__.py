"""Run the emulator standalone: ``python -m sandbox --port 8081 --token 123:ABC``.

Prints the base URL for TelegramAPIServer.from_base(); the JSON control API is under /sandbox/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from sandbox.driver import Sandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="Strict local Telegram Bot API emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:SANDBOX")
    parser.add_argument("--bot-username", default="doithoai_bot")
    parser.add_argument("--bot-name", default="Đối Thoại")
    parser.add_argument(
        "--no-strict", action="store_true", help="accept requests that fail the strict checks"
    )
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    async with Sandbox.start(
        args.token,
        args.bot_username,
        bot_name=args.bot_name,
        host=args.host,
        port=args.port,
        strict=not args.no_strict,
        control_api=True,
    ) as sb:
        print(sb.base_url, flush=True)
        print(f"control API: {sb.base_url}/sandbox  (bot token {sb.token})", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
