"""aiogram routers, composed in one place. Order matters: specific chats first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers import admin, callbacks, citizen, common, group, staff


def build_router() -> Router:
    root = Router(name="doithoai")
    root.include_routers(
        common.router,
        admin.router,
        citizen.router,
        staff.router,
        group.router,
        callbacks.router,
    )
    return root
