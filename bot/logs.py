"""Logging set-up. Log records carry ids (ticket, chat, user, outbox row), never message texts."""

from __future__ import annotations

import logging


def configure(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
