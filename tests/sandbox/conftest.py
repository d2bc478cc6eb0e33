"""Fixtures: a strict sandbox per test and a real aiogram Bot talking to it over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from sandbox import Sandbox
from sandbox.testing import assert_no_violations, make_bot

TOKEN = "123456:SANDBOX-test"
BOT_USERNAME = "doithoai_bot"


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox.start(token=TOKEN, bot_username=BOT_USERNAME) as sandbox:
        yield sandbox
        assert_no_violations(sandbox)


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[Bot]:
    client = make_bot(sb)
    yield client
    await client.session.close()
