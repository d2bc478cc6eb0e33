"""Forum topics: create, edit, close, reopen. Each change is a service message the bot receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.errors import bad_request
from sandbox.methods.registry import Files, Params, api_method
from sandbox.methods.sending import writable_chat
from sandbox.world import Chat, Topic, User, compose

if TYPE_CHECKING:
    from sandbox.core import Emulator

TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)


def _forum(em: Emulator, params: Params, action: str) -> Chat:
    chat = writable_chat(em, params["chat_id"])
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    if chat.bot_status != "administrator" or not chat.can_manage_topics:
        raise bad_request(f"not enough rights to {action} a topic")
    return chat


def _topic(chat: Chat, thread_id: Any) -> Topic:
    topic = chat.topics.get(thread_id)
    if topic is None:
        raise bad_request("TOPIC_ID_INVALID")
    return topic


def open_topic(
    em: Emulator, chat: Chat, creator: User, name: str, icon_color: int, emoji: str | None
) -> Topic:
    """Create a topic: its thread id is the id of its forum_topic_created service message."""
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
    created: dict[str, Any] = {"name": name, "icon_color": icon_color}
    if emoji:
        created["icon_custom_emoji_id"] = emoji
    message = compose(chat, creator, {"forum_topic_created": created})
    thread_id = message["message_id"]
    message["message_thread_id"] = thread_id
    message["is_topic_message"] = True
    topic = chat.topics[thread_id] = Topic(thread_id, name, icon_color, emoji)
    em.deliver(chat, message)
    return topic


def _service(em: Emulator, chat: Chat, topic: Topic, content: dict[str, Any]) -> None:
    em.deliver(chat, compose(chat, em.world.bot, content, thread_id=topic.thread_id))


@api_method("createForumTopic")
async def create_forum_topic(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    chat = _forum(em, params, "create")
    color = params.get("icon_color", TOPIC_COLORS[0])
    if color not in TOPIC_COLORS:
        raise bad_request("TOPIC_COLOR_INVALID")
    topic = open_topic(em, chat, em.world.bot, params["name"], color, params.get("icon_custom_emoji_id"))
    return topic.to_api()


@api_method("editForumTopic")
async def edit_forum_topic(em: Emulator, params: Params, files: Files) -> bool:
    chat = _forum(em, params, "edit")
    topic = _topic(chat, params["message_thread_id"])
    edited: dict[str, Any] = {}
    if params.get("name") is not None and params["name"] != topic.name:
        edited["name"] = topic.name = params["name"]
    emoji = params.get("icon_custom_emoji_id")
    if emoji is not None and emoji != (topic.icon_custom_emoji_id or ""):
        edited["icon_custom_emoji_id"] = emoji
        topic.icon_custom_emoji_id = emoji or None
    if not edited:
        raise bad_request("TOPIC_NOT_MODIFIED")
    _service(em, chat, topic, {"forum_topic_edited": edited})
    return True


async def _set_closed(em: Emulator, params: Params, closed: bool) -> bool:
    chat = _forum(em, params, "close" if closed else "reopen")
    topic = _topic(chat, params["message_thread_id"])
    if topic.closed == closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    _service(em, chat, topic, {"forum_topic_closed" if closed else "forum_topic_reopened": {}})
    return True


@api_method("closeForumTopic")
async def close_forum_topic(em: Emulator, params: Params, files: Files) -> bool:
    return await _set_closed(em, params, True)


@api_method("reopenForumTopic")
async def reopen_forum_topic(em: Emulator, params: Params, files: Files) -> bool:
    return await _set_closed(em, params, False)
