"""The ``doithoai`` command line (also ``python -m bot``).

Each subcommand lives in its own module under ``bot.commands`` and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` to a function taking the parsed
arguments and returning an exit code. A ``SettingsError`` (bad environment) is reported here, once,
with exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from config.settings import SettingsError, load_dotenv

COMMAND_MODULES = (
    "bot.commands.tag",
    "bot.commands.db",
    "bot.commands.org",
    "bot.commands.run",
    "bot.commands.jobs",
    "bot.commands.digest",
    "bot.commands.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="doithoai", description="Đối Thoại — citizen ↔ government Telegram bot"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
