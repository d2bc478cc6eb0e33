"""getMe, bot commands, getChat, getChatMember, sendChatAction."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sandbox.errors import bad_request
from sandbox.methods.registry import Files, Params, api_method
from sandbox.methods.sending import writable_chat
from sandbox.world import Chat, User

if TYPE_CHECKING:
    from sandbox.core import Emulator

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_send_welcome_messages",
)


@api_method("getMe")
async def get_me(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    return em.world.bot.to_api() | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _scope_key(params: Params) -> str:
    scope = params.get("scope") or {"type": "default"}
    return f"{scope.get('type')}:{scope.get('chat_id', '')}:{scope.get('user_id', '')}:{params.get('language_code', '')}"


@api_method("setMyCommands")
async def set_my_commands(em: Emulator, params: Params, files: Files) -> bool:
    commands = params["commands"]
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND.fullmatch(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command["description"]) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    em.world.commands[_scope_key(params)] = commands
    return True


@api_method("getMyCommands")
async def get_my_commands(em: Emulator, params: Params, files: Files) -> list[dict[str, Any]]:
    return em.world.commands.get(_scope_key(params), [])


@api_method("deleteMyCommands")
async def delete_my_commands(em: Emulator, params: Params, files: Files) -> bool:
    em.world.commands.pop(_scope_key(params), None)
    return True


@api_method("getChat")
async def get_chat(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    chat = em.world.chat(params["chat_id"])
    if chat.is_group and chat.bot_status not in ("member", "administrator"):
        raise bad_request("chat not found")
    gifts = dict.fromkeys(
        ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"),
        False,
    )
    return chat.to_api() | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


@api_method("getChatMember")
async def get_chat_member(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    chat = em.world.chat(params["chat_id"])
    user = em.world.users.get(params["user_id"])
    if user is None:
        raise bad_request("PARTICIPANT_ID_INVALID")
    return member_info(chat, user, em.world.bot)


def member_info(chat: Chat, user: User, bot: User) -> dict[str, Any]:
    """A ChatMember object for user in chat."""
    base: dict[str, Any] = {"user": user.to_api()}
    if user.id == bot.id and chat.is_group:
        if chat.bot_status == "administrator":
            return base | _admin_rights(chat, can_manage_topics=chat.can_manage_topics)
        if chat.bot_status == "kicked":
            return base | {"status": "kicked", "until_date": 0}
        return base | {"status": chat.bot_status}
    if chat.owner_id == user.id:
        return base | {"status": "creator", "is_anonymous": False}
    if user.id in chat.admin_ids:
        return base | _admin_rights(chat, can_manage_topics=True)
    return base | {"status": "member" if user.id in chat.members else "left"}


def _admin_rights(chat: Chat, *, can_manage_topics: bool) -> dict[str, Any]:
    rights = dict.fromkeys(_ADMIN_RIGHTS, False) | {"can_manage_chat": True, "can_delete_messages": True}
    if chat.type == "supergroup":
        rights["can_manage_topics"] = can_manage_topics
    return {"status": "administrator", "can_be_edited": False, "is_anonymous": False} | rights


@api_method("getChatAdministrators")
async def get_chat_administrators(em: Emulator, params: Params, files: Files) -> list[dict[str, Any]]:
    chat = em.world.chat(params["chat_id"])
    if not chat.is_group:
        raise bad_request("there are no administrators in the private chat")
    ids = [chat.owner_id, *sorted(chat.admin_ids)] + (
        [em.world.bot.id] if chat.bot_status == "administrator" else []
    )
    users = [em.world.users[i] for i in ids if i is not None]
    return [member_info(chat, user, em.world.bot) for user in users]


@api_method("sendChatAction")
async def send_chat_action(em: Emulator, params: Params, files: Files) -> bool:
    writable_chat(em, params["chat_id"])
    return True
