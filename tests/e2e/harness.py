"""The end-to-end world: the sandbox emulator, people, chats, an org file, and the real bot polling it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.app import Application
from bot.org.loader import import_org
from bot.outbox.pacing import Limit, Pacer
from config.settings import Settings
from sandbox.calls import Call
from sandbox.driver import ChatHandle, Sandbox
from sandbox.people import Person

TOKEN = "123456:E2E-TEST-TOKEN"
BOT_USERNAME = "doithoai_bot"
WAIT = 15.0

# Codes used across the tests (Nghệ An): Xã Vĩnh Tường (old Hội Sơn) and Xã Nghĩa Khánh.
NGHE_AN = 40
VINH_TUONG = 17357
NGHIA_KHANH = 17032


@dataclass
class World:
    sb: Sandbox
    lan: Person
    minh: Person
    stranger: Person
    admin: Person
    commune_cadre: Person
    water_cadre: Person
    province_cadre: Person
    dm_lan: ChatHandle
    dm_minh: ChatHandle
    village: ChatHandle
    unbound: ChatHandle
    commune_staff: ChatHandle
    water_staff: ChatHandle
    province_staff: ChatHandle

    def org_yaml(self) -> str:
        return f"""
admins: [{self.admin.id}]
units:
  - id: nghe-an
    name: "UBND tỉnh Nghệ An"
    locality: {NGHE_AN}
    staff_chat: {self.province_staff.id}
    officials: [{self.province_cadre.id}]
  - id: vinh-tuong
    name: "UBND xã Vĩnh Tường"
    locality: {VINH_TUONG}
    parent: nghe-an
    staff_chat: {self.commune_staff.id}
    officials: [{self.commune_cadre.id}]
  - id: vinh-tuong-water
    name: "Tổ nước sạch xã Vĩnh Tường"
    locality: {VINH_TUONG}
    parent: vinh-tuong
    staff_chat: {self.water_staff.id}
    officials: [{self.water_cadre.id}]
routes:
  - {{locality: {VINH_TUONG}, topic: water, unit: vinh-tuong-water}}
  - {{locality: {VINH_TUONG}, topic: "*", unit: vinh-tuong}}
  - {{locality: {NGHE_AN}, topic: "*", unit: nghe-an}}
groups:
  - {{chat: {self.village.id}, locality: {VINH_TUONG}, title: "Thôn 2 Hội Sơn"}}
"""


def build_world(sb: Sandbox) -> World:
    lan = sb.user("Lan", last_name="Nguyễn", username="lan_nguyen", language_code="vi")
    minh = sb.user("Minh", username="minh_en", language_code="en")
    stranger = sb.user("Khách")
    admin = sb.user("Quản trị", language_code="vi")
    commune_cadre = sb.user("Cán bộ xã", language_code="vi")
    water_cadre = sb.user("Cán bộ nước", language_code="vi")
    province_cadre = sb.user("Cán bộ tỉnh", language_code="vi")
    return World(
        sb=sb,
        lan=lan,
        minh=minh,
        stranger=stranger,
        admin=admin,
        commune_cadre=commune_cadre,
        water_cadre=water_cadre,
        province_cadre=province_cadre,
        dm_lan=sb.private_chat(lan),
        dm_minh=sb.private_chat(minh),
        village=sb.group("Thôn 2 Hội Sơn", members=[lan, minh, stranger, admin], privacy=False),
        unbound=sb.group("Xóm mới", members=[lan, admin]),
        commune_staff=sb.group(
            "Cán bộ xã Vĩnh Tường", members=[commune_cadre, stranger, admin, province_cadre], bot_admin=True
        ),
        water_staff=sb.group(
            "Tổ nước",
            members=[water_cadre, commune_cadre, stranger],
            forum=True,
            bot_admin=True,
            can_manage_topics=True,
        ),
        province_staff=sb.group("Cán bộ tỉnh", members=[province_cadre, admin], bot_admin=True),
    )


def settings_for(sb: Sandbox, database_url: str) -> Settings:
    return Settings(bot_token=sb.token, telegram_api_base=sb.base_url, database_url=database_url)


def relaxed_pacer() -> Pacer:
    """Telegram's per-chat limits would make a test with twenty messages last a minute; the limits
    themselves are tested in tests/outbox."""
    return Pacer(private=Limit(100, 1.0), group=Limit(100, 1.0))


@contextlib.asynccontextmanager
async def running_bot(
    sb: Sandbox, database_url: str, pacer: Pacer | None = None, shutdown_grace: float = 5.0
) -> AsyncIterator[Application]:
    """The real application, long-polling the sandbox, stopped gracefully at the end."""
    app = Application(
        settings_for(sb, database_url),
        pacer=pacer or relaxed_pacer(),
        shutdown_grace=shutdown_grace,
        scheduler=False,  # sweeps run at explicit times in the tests (SlaSweeper.run / jobs run sla --now)
    )
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        await asyncio.wait_for(app.started.wait(), WAIT)
        yield app
    finally:
        if app.started.is_set():
            await app.stop()
        await asyncio.wait_for(task, WAIT)


async def load_org(world: World, database_url: str) -> None:
    from storage.database import Database

    database = Database(database_url)
    try:
        await import_org(database, world.org_yaml())
    finally:
        await database.close()


def text_of(call: Call) -> str:
    params = call.params
    return str(params.get("text") or params.get("caption") or "")
