"""sendMessage, copyMessage, forwardMessage, edits and deleteMessage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.errors import bad_request
from sandbox.methods.registry import Files, Params, api_method
from sandbox.methods.sending import caption_content, markup_content, post, target, text_content, writable_chat
from sandbox.privacy import SERVICE_KEYS
from sandbox.world import Chat, Message, now

if TYPE_CHECKING:
    from sandbox.core import Emulator

CONTENT_KEYS = (
    "text",
    "entities",
    "link_preview_options",
    "photo",
    "document",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "sticker",
    "location",
    "contact",
    "caption",
    "caption_entities",
    "show_caption_above_media",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


@api_method("sendMessage")
async def send_message(em: Emulator, params: Params, files: Files) -> Message:
    where = target(em, params)
    content = text_content(params) | markup_content(params)
    return post(em, where, content)


def _source(em: Emulator, params: Params, missing: str) -> Message:
    chat = em.world.chat(params["from_chat_id"])
    message = em.world.message(chat, params["message_id"])
    if message is None:
        raise bad_request(missing)
    if SERVICE_KEYS & message.keys():
        raise bad_request("message can't be copied" if "copy" in missing else "message can't be forwarded")
    return message


@api_method("copyMessage")
async def copy_message(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    source = _source(em, params, "message to copy not found")
    where = target(em, params)
    content = {k: v for k, v in source.items() if k in CONTENT_KEYS}
    if "caption" in params:
        content = {k: v for k, v in content.items() if k not in ("caption", "caption_entities")}
        content |= caption_content(params)
    copied = post(em, where, content | markup_content(params))
    return {"message_id": copied["message_id"]}


@api_method("forwardMessage")
async def forward_message(em: Emulator, params: Params, files: Files) -> Message:
    source = _source(em, params, "message to forward not found")
    where = target(em, params)
    origin = {"type": "user", "date": source["date"], "sender_user": source["from"]}
    content = {k: v for k, v in source.items() if k in CONTENT_KEYS}
    return post(em, where, {"forward_origin": origin, **content})


def _editable(em: Emulator, params: Params) -> tuple[Chat, Message]:
    if params.get("inline_message_id") is not None:
        raise bad_request("sandbox does not implement inline messages")
    chat = writable_chat(em, params.get("chat_id"))
    message = em.world.message(chat, params.get("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != em.world.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _replace(chat: Chat, message: Message, changes: dict[str, Any], dropped: tuple[str, ...]) -> Message:
    edited = {k: v for k, v in message.items() if k not in dropped} | changes
    edited.pop("edit_date", None)
    previous = {k: v for k, v in message.items() if k != "edit_date"}
    if edited == previous:
        raise bad_request(NOT_MODIFIED)
    edited["edit_date"] = now()
    chat.messages[message["message_id"]] = edited
    return edited


@api_method("editMessageText")
async def edit_message_text(em: Emulator, params: Params, files: Files) -> Message:
    chat, message = _editable(em, params)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    changes = text_content(params) | markup_content(params)
    return _replace(chat, message, changes, ("text", "entities", "link_preview_options", "reply_markup"))


@api_method("editMessageCaption")
async def edit_message_caption(em: Emulator, params: Params, files: Files) -> Message:
    chat, message = _editable(em, params)
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    changes = caption_content(params) | markup_content(params)
    return _replace(chat, message, changes, ("caption", "caption_entities", "reply_markup"))


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(em: Emulator, params: Params, files: Files) -> Message:
    chat, message = _editable(em, params)
    return _replace(chat, message, markup_content(params), ("reply_markup",))


@api_method("deleteMessage")
async def delete_message(em: Emulator, params: Params, files: Files) -> bool:
    chat = writable_chat(em, params["chat_id"])
    message = em.world.message(chat, params["message_id"])
    if message is None:
        raise bad_request("message to delete not found")
    own = message.get("from", {}).get("id") == em.world.bot.id
    if chat.is_group and not own and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    del chat.messages[message["message_id"]]
    return True
