"""The emulated Telegram world: users, chats, their messages, forum topics and stored files."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.errors import ApiError, bad_request

Message = dict[str, Any]
ChatType = Literal["private", "group", "supergroup"]
BotStatus = Literal["administrator", "member", "left", "kicked"]


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            data["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return data


@dataclass
class Chat:
    id: int
    type: ChatType
    title: str | None = None
    user: User | None = None
    username: str | None = None
    is_forum: bool = False
    members: set[int] = field(default_factory=set)
    owner_id: int | None = None
    admin_ids: set[int] = field(default_factory=set)
    bot_status: BotStatus = "member"
    can_manage_topics: bool = False
    privacy: bool = True
    topics: dict[int, Topic] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.type != "private"

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.user is not None:
            data.update(
                {k: v for k, v in self.user.to_api().items() if k in ("first_name", "last_name", "username")}
            )
        else:
            data["title"] = self.title
            if self.username:
                data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


class World:
    """All state of the emulated Telegram, independent of HTTP."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        bot_id = int(token.split(":", 1)[0])
        self.token = token
        self.bot = User(id=bot_id, first_name=bot_name, username=bot_username, is_bot=True)
        self.users: dict[int, User] = {bot_id: self.bot}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self._user_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(1)

    def add_user(self, first_name: str, **fields: Any) -> User:
        user = User(id=next(self._user_ids), first_name=first_name, **fields)
        self.users[user.id] = user
        return user

    def private_chat(self, user: User) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(id=user.id, type="private", user=user, members={user.id})
        return chat

    def add_group(self, title: str, *, supergroup: bool, forum: bool, **fields: Any) -> Chat:
        number = next(self._group_ids)
        chat_id = -1_000_000_000_000 - number if supergroup or forum else -4_000_000_000 - number
        chat_type: ChatType = "supergroup" if supergroup or forum else "group"
        chat = Chat(id=chat_id, type=chat_type, title=title, is_forum=forum, **fields)
        if forum:
            # Message 1 of a forum is its creation; thread id 1 means the General topic, never a new topic.
            chat.next_message_id = 2
        self.chats[chat.id] = chat
        return chat

    def chat(self, chat_id: Any) -> Chat:
        """Resolve a chat_id parameter (integer id or "@username")."""
        chat: Chat | None = None
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            chat = self.chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            chat = next((c for c in self.chats.values() if (c.username or "").lower() == name), None)
        elif isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat = self.chats.get(int(chat_id))
        if chat is None and isinstance(chat_id, int) and chat_id in self.users and chat_id != self.bot.id:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def message(self, chat: Chat, message_id: Any) -> Message | None:
        return chat.messages.get(message_id) if isinstance(message_id, int) else None

    def add_file(
        self, kind: str, data: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        unique = secrets.token_urlsafe(9)
        file_id = f"SBX{kind[:3].upper()}{unique}{secrets.token_urlsafe(12)}"
        extension = file_name.rpartition(".")[2] if file_name and "." in file_name else "bin"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            kind=kind,
            data=data,
            file_path=f"{kind}s/file_{len(self.files)}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[file_id] = stored
        return stored

    def file(self, file_id: Any) -> StoredFile:
        stored = self.files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)


def now() -> int:
    return int(time.time())


def shallow(message: Message) -> Message:
    """A message as embedded in reply_to_message: Telegram embeds replies one level deep."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def compose(
    chat: Chat,
    sender: User,
    content: dict[str, Any],
    *,
    thread_id: int | None = None,
    reply_to: Message | None = None,
) -> Message:
    """Create, number and store a new message in chat.

    As in Telegram: messages in a forum topic reply to the topic's creation message unless they reply to
    something else, and replies in a non-forum supergroup carry the reply chain's root as
    message_thread_id (without is_topic_message; sendMessage rejects that id there).
    """
    message: Message = {
        "message_id": chat.take_message_id(),
        "from": sender.to_api(),
        "chat": chat.to_api(),
        "date": now(),
    }
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
        reply_to = reply_to or chat.messages.get(thread_id)
    elif reply_to is not None and chat.type == "supergroup" and not chat.is_forum:
        message["message_thread_id"] = reply_to.get("message_thread_id", reply_to["message_id"])
    if reply_to is not None:
        message["reply_to_message"] = shallow(reply_to)
    message.update(content)
    chat.messages[message["message_id"]] = message
    return message


def thread_of(chat: Chat, message: Message) -> int | None:
    """The forum topic a message belongs to (None for General or non-forum chats)."""
    thread = message.get("message_thread_id")
    return thread if chat.is_forum and isinstance(thread, int) else None


def check_thread(chat: Chat, thread_id: Any) -> int | None:
    """Validate a message_thread_id the bot wants to post in."""
    if thread_id is None:
        return None
    topic = chat.topics.get(thread_id) if chat.is_forum else None
    if topic is None:
        raise bad_request("message thread not found")
    if topic.closed:
        raise bad_request("TOPIC_CLOSED")
    return int(thread_id)


def not_member_error(chat: Chat) -> ApiError:
    kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
    if chat.bot_status == "kicked":
        return ApiError(403, f"Forbidden: bot was kicked from the {kind}")
    return ApiError(403, f"Forbidden: bot is not a member of the {kind}")
