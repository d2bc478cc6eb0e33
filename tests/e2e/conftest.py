from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import BOT_USERNAME, TOKEN, World, build_world, load_org, running_bot


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox.start(token=TOKEN, bot_username=BOT_USERNAME, bot_name="Đối Thoại") as sandbox:
        yield sandbox
        assert sandbox.violations == [], "the bot broke the Bot API contract"


@pytest.fixture
async def world(sb: Sandbox, database_url: str) -> World:
    built = build_world(sb)
    await load_org(built, database_url)
    return built


@pytest.fixture
async def app(sb: Sandbox, world: World, database_url: str) -> AsyncIterator[Application]:
    async with running_bot(sb, database_url) as application:
        yield application
