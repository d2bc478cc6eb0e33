"""Which group messages a bot receives (Telegram's privacy mode)."""

from __future__ import annotations

from typing import Any

from sandbox.world import Chat, User

SERVICE_KEYS = frozenset(
    {
        "new_chat_members",
        "left_chat_member",
        "new_chat_title",
        "new_chat_photo",
        "delete_chat_photo",
        "group_chat_created",
        "supergroup_chat_created",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "pinned_message",
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
        "general_forum_topic_hidden",
        "general_forum_topic_unhidden",
    }
)


def bot_receives(chat: Chat, bot: User, message: dict[str, Any]) -> bool:
    """Private chats: everything. Groups: everything unless privacy mode is on and the bot is not an admin
    (Telegram: admin bots always receive all messages); then only commands, mentions, replies to the
    bot's messages and service messages."""
    if not chat.is_group:
        return True
    if chat.bot_status not in ("member", "administrator"):
        return False
    if not chat.privacy or chat.bot_status == "administrator" or SERVICE_KEYS & message.keys():
        return True
    replied = message.get("reply_to_message")
    if replied and replied.get("from", {}).get("id") == bot.id:
        return True
    return _addresses_bot(message, bot.username or "")


def _addresses_bot(message: dict[str, Any], username: str) -> bool:
    text: str = message.get("text") or message.get("caption") or ""
    entities = message.get("entities") or message.get("caption_entities") or []
    encoded = text.encode("utf-16-le")
    for entity in entities:
        start, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
        fragment = encoded[start:end].decode("utf-16-le")
        if entity["type"] == "bot_command":
            target = fragment.partition("@")[2]
            if not target or target.lower() == username.lower():
                return True
        elif (entity["type"] == "mention" and fragment[1:].lower() == username.lower()) or (
            entity["type"] == "text_mention" and entity.get("user", {}).get("is_bot")
        ):
            return True
    return False
