"""aiogram routers, composed in one place. Order matters: specific chats first, the catch-all last.

Each module's ``build()`` makes a fresh Router, so several applications can live in one process.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    callbacks,
    citizen,
    citizen_commands,
    common,
    digest,
    group,
    membership,
    merge,
    staff,
    staff_actions,
    verdicts,
)


def build_router() -> Router:
    root = Router(name="doithoai")
    root.include_routers(
        common.build(),
        membership.build(),
        admin.build(),
        digest.build(),
        citizen_commands.build(),
        citizen.build(),
        merge.build(),
        staff_actions.build(),
        staff.build(),
        group.build(),
        verdicts.build(),
        callbacks.build(),
    )
    return root
