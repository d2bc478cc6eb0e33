"""Running the emulator's HTTP server on a loopback port."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from sandbox.core import Emulator
from sandbox.server import build_app


class Running:
    """A started server; base_url is what TelegramAPIServer.from_base() takes."""

    def __init__(self, emulator: Emulator, runner: web.AppRunner, base_url: str) -> None:
        self.emulator = emulator
        self.base_url = base_url
        self._runner = runner

    async def stop(self) -> None:
        await self.emulator.updates.close()
        await self._runner.cleanup()


async def serve(
    emulator: Emulator,
    host: str = "127.0.0.1",
    port: int = 0,
    extend: Callable[[web.Application], None] | None = None,
) -> Running:
    runner = web.AppRunner(build_app(emulator, extend), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    actual_port = runner.addresses[0][1]
    return Running(emulator, runner, f"http://{host}:{actual_port}")
