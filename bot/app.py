"""The running bot: database, tagger, services, dispatcher, outbox worker — started and stopped together."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.app_services import Services
from bot.i18n import N_, get_translator, render
from bot.outbox.pacing import Pacer
from bot.outbox.worker import OutboxWorker
from bot.scheduler import build_scheduler
from bot.services.base import Core
from bot.tagging import get_tagger
from config.settings import Settings
from handlers import build_router
from handlers.inflight import InFlight
from handlers.middlewares import CitizenLocaleMiddleware
from handlers.serial import PerChatOrder
from storage.database import Database

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 10.0
PRIVATE_COMMANDS = {
    "start": N_("Start"),
    "new": N_("Start a new reflection"),
    "mytickets": N_("My reflections"),
    "settings": N_("Language and anonymity"),
    "help": N_("How it works"),
}
GROUP_COMMANDS = {"hoi": "Gửi câu hỏi / phản ánh", "ask": "Ask a question"}


def make_bot(settings: Settings) -> Bot:
    if not settings.bot_token:
        raise ValueError("BOT_TOKEN is not set")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return Bot(settings.bot_token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def make_fsm_storage(settings: Settings) -> BaseStorage:
    """Conversation state: in memory for one instance, in Redis when several instances share the work."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url)
    return MemoryStorage()


class Application:
    def __init__(
        self,
        settings: Settings,
        bot: Bot | None = None,
        pacer: Pacer | None = None,
        shutdown_grace: float = SHUTDOWN_GRACE,
        scheduler: bool = True,
    ) -> None:
        self.settings = settings
        self.shutdown_grace = shutdown_grace
        self.db = Database(settings.database_url)
        self.bot = bot or make_bot(settings)
        self.outbox = OutboxWorker(self.db, self.bot, pacer=pacer)
        self.core = Core(
            self.db, get_tagger(), settings, wake_outbox=self.outbox.wake, outbox_settled=self.outbox.settled
        )
        self.services = Services.build(self.core)
        self.scheduler = build_scheduler(self.core, self.services.forwarding, self.bot)
        self.run_scheduler = scheduler
        self.inflight = InFlight()
        self.started = asyncio.Event()
        self.dispatcher = self._dispatcher()

    def _dispatcher(self) -> Dispatcher:
        dispatcher = Dispatcher(storage=make_fsm_storage(self.settings))
        dispatcher["services"] = self.services
        dispatcher.update.outer_middleware(self.inflight)
        dispatcher.update.outer_middleware(PerChatOrder())
        CitizenLocaleMiddleware(get_translator(self.settings.default_language), self.services).setup(
            dispatcher
        )
        dispatcher.include_router(build_router())
        dispatcher.startup.register(self.on_startup)
        dispatcher.shutdown.register(self.on_shutdown)
        return dispatcher

    async def on_startup(self) -> None:
        await self.db.upgrade()
        await self.outbox.start()
        if self.run_scheduler:
            self.scheduler.start()
        await self._set_commands()
        self.started.set()
        log.info("started")

    async def _set_commands(self) -> None:
        for locale in ("vi", "en"):
            language = None if locale == self.settings.default_language else locale
            private = [
                BotCommand(command=c, description=render(locale, d)) for c, d in PRIVATE_COMMANDS.items()
            ]
            await self.bot.set_my_commands(
                private, scope=BotCommandScopeAllPrivateChats(), language_code=language
            )
        groups = [BotCommand(command=c, description=d) for c, d in GROUP_COMMANDS.items()]
        await self.bot.set_my_commands(groups, scope=BotCommandScopeAllGroupChats())

    async def on_shutdown(self) -> None:
        """Stop taking updates (done by the dispatcher), finish handlers in flight, flush the outbox, close."""
        if not await self.inflight.wait_idle(SHUTDOWN_GRACE):
            log.warning(
                "shutdown: %d updates still in flight after %.0fs", self.inflight.count, SHUTDOWN_GRACE
            )
        await self.scheduler.stop(SHUTDOWN_GRACE)
        await self.outbox.stop(drain_timeout=SHUTDOWN_GRACE)
        await self.db.close()
        log.info("stopped")

    async def run_polling(self, handle_signals: bool = True) -> None:
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=handle_signals,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )

    async def stop(self) -> None:
        await self.dispatcher.stop_polling()
