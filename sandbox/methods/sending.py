"""Shared rules for every method that posts a message as the bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.errors import bad_request, forbidden
from sandbox.formatting import apply_parse_mode, utf16_len
from sandbox.world import Chat, Message, check_thread, compose, not_member_error, thread_of

if TYPE_CHECKING:
    from sandbox.core import Emulator

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass
class Target:
    chat: Chat
    thread_id: int | None
    reply_to: Message | None


def writable_chat(em: Emulator, chat_id: Any) -> Chat:
    chat = em.world.chat(chat_id)
    if chat.user is not None and chat.user.blocked_bot:
        raise forbidden("bot was blocked by the user")
    if chat.is_group and chat.bot_status not in ("member", "administrator"):
        raise not_member_error(chat)
    return chat


def target(em: Emulator, params: dict[str, Any], chat_key: str = "chat_id") -> Target:
    """Resolve chat, topic and replied-to message of a send, raising Telegram's errors."""
    chat = writable_chat(em, params[chat_key])
    thread_id = check_thread(chat, params.get("message_thread_id"))
    reply = params.get("reply_parameters") or {}
    reply_id = reply.get("message_id", params.get("reply_to_message_id"))
    allow_missing = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply", False))
    reply_to = None
    if reply_id is not None:
        reply_chat = em.world.chat(reply["chat_id"]) if reply.get("chat_id") is not None else chat
        if reply_chat is not chat:
            raise bad_request("sandbox does not implement replies to messages in other chats")
        reply_to = em.world.message(chat, reply_id)
        if reply_to is None and not allow_missing:
            raise bad_request("message to be replied not found")
        if reply_to is not None and thread_id is None:
            thread_id = thread_of(chat, reply_to)
    return Target(chat, thread_id, reply_to)


def post(em: Emulator, where: Target, content: dict[str, Any]) -> Message:
    return compose(where.chat, em.world.bot, content, thread_id=where.thread_id, reply_to=where.reply_to)


def text_content(params: dict[str, Any], key: str = "text", entities_key: str = "entities") -> dict[str, Any]:
    text, entities = apply_parse_mode(params.get(key, ""), params.get("parse_mode"), params.get(entities_key))
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    if params.get("link_preview_options"):
        content["link_preview_options"] = params["link_preview_options"]
    return content


def caption_content(params: dict[str, Any]) -> dict[str, Any]:
    if params.get("caption") is None:
        return {}
    caption, entities = apply_parse_mode(
        params["caption"], params.get("parse_mode"), params.get("caption_entities")
    )
    if utf16_len(caption) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    content: dict[str, Any] = {"caption": caption} if caption else {}
    if entities:
        content["caption_entities"] = entities
    if params.get("show_caption_above_media"):
        content["show_caption_above_media"] = True
    return content


def markup_content(params: dict[str, Any]) -> dict[str, Any]:
    """Validate reply_markup; only inline keyboards become part of the message."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return {}
    for row in markup["inline_keyboard"]:
        for button in row:
            check_button(button)
    return {"reply_markup": markup} if any(markup["inline_keyboard"]) else {}


def check_button(button: dict[str, Any]) -> None:
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise bad_request("BUTTON_URL_INVALID")
