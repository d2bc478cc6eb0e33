"""What people do in the sandbox: write, reply, send media, press buttons, block the bot."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sandbox.formatting import detect_entities, utf16_len
from sandbox.methods.forum import TOPIC_COLORS, open_topic
from sandbox.methods.media import media_object
from sandbox.world import Chat, Message, User, compose, now, thread_of

if TYPE_CHECKING:
    from sandbox.driver import MessageRef, Sandbox


class SandboxUsageError(Exception):
    """A test asked a person to do something Telegram would not let them do."""


class Person:
    """A Telegram user driven by the test."""

    def __init__(self, sandbox: Sandbox, user: User) -> None:
        self._sb = sandbox
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.first_name

    def __repr__(self) -> str:
        return f"Person({self.name!r}, id={self.id})"

    async def say(
        self,
        chat: Any,
        text: str,
        *,
        topic: int | None = None,
        reply_to: MessageRef | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> Message:
        """Send a text message; commands, mentions, hashtags and URLs get entities as in Telegram clients."""
        if not text or utf16_len(text) > 4096:
            raise SandboxUsageError("a text message has 1-4096 characters")
        found = detect_entities(text) if entities is None else entities
        content: dict[str, Any] = {"text": text} | ({"entities": found} if found else {})
        return self._send(chat, content, topic=topic, reply_to=reply_to)

    async def reply(self, chat: Any, *, to: MessageRef, text: str) -> Message:
        return await self.say(chat, text, reply_to=to)

    async def send_photo(
        self, chat: Any, *, caption: str | None = None, data: bytes | None = None, **where: Any
    ) -> Message:
        return self._send_media(chat, "photo", data, caption, None, None, where)

    async def send_document(
        self,
        chat: Any,
        *,
        file_name: str = "giay-to.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        data: bytes | None = None,
        **where: Any,
    ) -> Message:
        return self._send_media(chat, "document", data, caption, file_name, mime_type, where)

    async def send_voice(
        self, chat: Any, *, caption: str | None = None, data: bytes | None = None, **where: Any
    ) -> Message:
        return self._send_media(chat, "voice", data, caption, None, "audio/ogg", where)

    async def send_video(
        self, chat: Any, *, caption: str | None = None, data: bytes | None = None, **where: Any
    ) -> Message:
        return self._send_media(chat, "video", data, caption, "video.mp4", "video/mp4", where)

    async def send_video_note(self, chat: Any, *, data: bytes | None = None, **where: Any) -> Message:
        return self._send_media(chat, "video_note", data, None, None, None, where)

    async def send_audio(
        self, chat: Any, *, caption: str | None = None, data: bytes | None = None, **where: Any
    ) -> Message:
        return self._send_media(chat, "audio", data, caption, "audio.mp3", "audio/mpeg", where)

    async def send_location(self, chat: Any, latitude: float, longitude: float, **where: Any) -> Message:
        return self._send(chat, {"location": {"latitude": latitude, "longitude": longitude}}, **where)

    async def send_contact(
        self, chat: Any, phone_number: str, first_name: str | None = None, **where: Any
    ) -> Message:
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.user.first_name,
        }
        if first_name is None:
            contact["user_id"] = self.id
        return self._send(chat, {"contact": contact}, **where)

    async def send_album(
        self,
        chat: Any,
        kinds: Sequence[str] = ("photo", "photo"),
        *,
        caption: str | None = None,
        topic: int | None = None,
    ) -> list[Message]:
        """Send 2-10 photos/videos as one media group; the caption goes on the first item."""
        if not 2 <= len(kinds) <= 10 or not set(kinds) <= {"photo", "video"}:
            raise SandboxUsageError("an album has 2-10 photos or videos")
        group_id = str(secrets.randbelow(10**18))
        sent = []
        for index, kind in enumerate(kinds):
            stored = self._sb.emulator.world.add_file(kind, secrets.token_bytes(64), mime_type=None)
            content: dict[str, Any] = {"media_group_id": group_id, kind: media_object(kind, stored)}
            if caption and index == 0:
                content["caption"] = caption
            sent.append(self._send(chat, content, topic=topic))
        return sent

    async def edit(self, message: MessageRef, text: str) -> Message:
        """Edit one of this person's text messages; the bot gets an edited_message update."""
        chat, current = self._sb.current(message)
        if current.get("from", {}).get("id") != self.id or "text" not in current:
            raise SandboxUsageError("people can only edit their own text messages")
        found = detect_entities(text)
        edited = {k: v for k, v in current.items() if k != "entities"} | {"text": text, "edit_date": now()}
        if found:
            edited["entities"] = found
        chat.messages[current["message_id"]] = edited
        self._sb.note_action()
        self._sb.emulator.deliver(chat, edited, kind="edited_message")
        return edited

    async def press(
        self, message: MessageRef, text: str | None = None, *, callback_data: str | None = None
    ) -> dict[str, Any]:
        """Press an inline button (by its text or its callback_data) of the message's current version."""
        chat, current = self._sb.current(message)
        self._require_member(chat)
        button = _find_button(current, text, callback_data)
        return self._callback(chat, current, button["callback_data"])

    async def press_forged(self, message: MessageRef, data: str) -> dict[str, Any]:
        """Send a callback query with data no button carries, as a modified client could."""
        chat, current = self._sb.current(message)
        self._require_member(chat)
        return self._callback(chat, current, data)

    def _callback(self, chat: Chat, current: Message, data: str) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": str(secrets.randbelow(10**18) + 10**18),
            "from": self.user.to_api(),
            "message": current,
            "chat_instance": str(abs(hash((chat.id, "sandbox")))),
            "data": data,
        }
        self._sb.note_action()
        self._sb.emulator.new_query(query["id"])
        self._sb.emulator.emit("callback_query", query)
        return query

    async def create_topic(self, chat: Any, name: str, *, icon_color: int = TOPIC_COLORS[1]) -> int:
        """Create a forum topic as this person; returns its message_thread_id."""
        target = self._sb.world_chat(chat)
        self._require_member(target)
        if not target.is_forum:
            raise SandboxUsageError(f"{target.title!r} is not a forum")
        self._sb.note_action()
        return open_topic(self._sb.emulator, target, self.user, name, icon_color, None).thread_id

    def block_bot(self) -> None:
        self._set_blocked(True)

    def unblock_bot(self) -> None:
        self._set_blocked(False)

    def _set_blocked(self, blocked: bool) -> None:
        if self.user.blocked_bot == blocked:
            return
        em = self._sb.emulator
        chat = em.world.private_chat(self.user)
        self.user.blocked_bot = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self._sb.note_action()
        em.emit(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": self.user.to_api(),
                "date": now(),
                "old_chat_member": _bot_member(em.world.bot, old),
                "new_chat_member": _bot_member(em.world.bot, new),
            },
        )

    def _send_media(
        self,
        chat: Any,
        kind: str,
        data: bytes | None,
        caption: str | None,
        file_name: str | None,
        mime_type: str | None,
        where: dict[str, Any],
    ) -> Message:
        stored = self._sb.emulator.world.add_file(
            kind, data or secrets.token_bytes(256), file_name=file_name, mime_type=mime_type
        )
        content: dict[str, Any] = {kind: media_object(kind, stored)}
        if caption:
            if utf16_len(caption) > 1024:
                raise SandboxUsageError("a caption has at most 1024 characters")
            content["caption"] = caption
            found = detect_entities(caption)
            if found:
                content["caption_entities"] = found
        return self._send(chat, content, **where)

    def _send(
        self,
        chat: Any,
        content: dict[str, Any],
        *,
        topic: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> Message:
        target = self._sb.world_chat(chat)
        self._require_member(target)
        if target.user is not None and target.user.blocked_bot:
            raise SandboxUsageError(f"{self.name} blocked the bot; call unblock_bot() first")
        replied = None
        if reply_to is not None:
            reply_chat, replied = self._sb.current(reply_to)
            if reply_chat is not target:
                raise SandboxUsageError("the message to reply to is not in this chat")
        thread = topic if topic is not None else (thread_of(target, replied) if replied else None)
        if thread is not None:
            topic_state = target.topics.get(thread)
            if topic_state is None:
                raise SandboxUsageError(f"no topic {thread} in {target.title!r}")
            if topic_state.closed:
                raise SandboxUsageError(f"topic {topic_state.name!r} is closed")
        message = compose(target, self.user, content, thread_id=thread, reply_to=replied)
        self._sb.note_action()
        self._sb.emulator.deliver(target, message)
        return message

    def _require_member(self, chat: Chat) -> None:
        if self.id not in chat.members:
            raise SandboxUsageError(f"{self.name} is not a member of {chat.title or chat.id}")


def _find_button(message: Message, text: str | None, callback_data: str | None) -> dict[str, Any]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    buttons: list[dict[str, Any]] = [button for row in rows for button in row]
    for button in buttons:
        if (text is not None and button["text"] == text) or (
            callback_data is not None and button.get("callback_data") == callback_data
        ):
            if "callback_data" not in button:
                raise SandboxUsageError(f"button {button['text']!r} is not a callback button")
            return button
    labels = [b["text"] for b in buttons]
    raise SandboxUsageError(
        f"no button {text or callback_data!r} on message {message['message_id']}; buttons: {labels}"
    )


def _bot_member(bot: User, status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": bot.to_api(), "status": status}
    if status == "kicked":
        member["until_date"] = 0
    return member
