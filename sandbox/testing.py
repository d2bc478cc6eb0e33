"""Helpers for test suites that drive a real aiogram Bot against the sandbox."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox.driver import Sandbox


def make_bot(sandbox: Sandbox, token: str | None = None, default: DefaultBotProperties | None = None) -> Bot:
    """A real aiogram Bot (real aiohttp session, loopback HTTP) pointed at the sandbox. Close its session."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url))
    return Bot(token or sandbox.token, session=session, default=default)


def assert_no_violations(sandbox: Sandbox) -> None:
    """Fail loudly with every strict-check violation the run produced."""
    assert not sandbox.violations, "sandbox strict violations:\n" + "\n".join(map(str, sandbox.violations))
