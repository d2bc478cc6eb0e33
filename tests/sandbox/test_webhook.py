"""Webhook delivery to a local endpoint: secret header, retries, loopback only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox import Sandbox


@dataclass
class Endpoint:
    url: str = ""
    fail_first: int = 0
    received: asyncio.Queue[tuple[dict[str, Any], str | None]] = field(default_factory=asyncio.Queue)
    attempts: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return web.Response(status=500)
        self.received.put_nowait(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.json_response({})


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    hook = Endpoint()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hook
    await runner.cleanup()


async def test_updates_are_posted_with_the_secret(sb: Sandbox, bot: Bot, endpoint: Endpoint) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    assert await bot.set_webhook(endpoint.url, secret_token="bi-mat_123")

    await lan.say(dm, "qua webhook")

    update, secret = await asyncio.wait_for(endpoint.received.get(), 5)
    assert update["message"]["text"] == "qua webhook"
    assert secret == "bi-mat_123"
    info = await bot.get_webhook_info()
    assert info.url == endpoint.url and info.pending_update_count == 0


async def test_failed_delivery_is_retried(sb: Sandbox, bot: Bot, endpoint: Endpoint) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    endpoint.fail_first = 2
    await bot.set_webhook(endpoint.url)

    await lan.say(dm, "thử lại")

    update, secret = await asyncio.wait_for(endpoint.received.get(), 5)
    assert update["message"]["text"] == "thử lại" and secret is None
    assert endpoint.attempts == 3
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "500" in info.last_error_message
    assert endpoint.received.empty(), "delivered exactly once"


async def test_only_loopback_webhooks(sb: Sandbox, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="bad webhook"):
        await bot.set_webhook("https://example.org/hook")


async def test_delete_webhook_can_drop_pending_updates(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    await lan.say(dm, "cũ")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


async def test_aiogram_webhook_handler_and_reply_in_response(sb: Sandbox, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(f"Đã nhận: {message.text}")

    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="s3cret", handle_in_background=False).register(app, path="/tg")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/tg", secret_token="s3cret")
        lan = sb.user("Lan")
        dm = sb.private_chat(lan)
        await lan.say(dm, "nước bẩn")
        call = await sb.wait_for("sendMessage", chat=dm, timeout=5)
        assert call.via == "webhook reply" and call.message["text"] == "Đã nhận: nước bẩn"
    finally:
        await bot.delete_webhook()
        await runner.cleanup()
