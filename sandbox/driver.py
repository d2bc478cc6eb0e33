"""The test driver: start the emulator, create people and chats, wait for the bot's calls."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

from aiogram.types import Message as AiogramMessage

from sandbox import control
from sandbox.calls import Call
from sandbox.core import Emulator
from sandbox.faults import Faults
from sandbox.methods.bot import member_info
from sandbox.people import Person, SandboxUsageError
from sandbox.runner import Running, serve
from sandbox.strict import Violation
from sandbox.world import BotStatus, Chat, Message, compose, now


class ChatHandle:
    """A chat as the test sees it; ``id`` is the Bot API chat id."""

    def __init__(self, sandbox: Sandbox, chat: Chat) -> None:
        self._sb = sandbox
        self.chat = chat

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def title(self) -> str | None:
        return self.chat.title

    def __repr__(self) -> str:
        return f"ChatHandle({self.chat.type}, id={self.id}, title={self.title!r})"

    def topic(self, name: str) -> int:
        """The message_thread_id of the topic with this name."""
        for topic in self.chat.topics.values():
            if topic.name == name:
                return topic.thread_id
        raise KeyError(
            f"no topic {name!r} in {self.title!r}; topics: {[t.name for t in self.chat.topics.values()]}"
        )

    def add(self, *people: Person) -> None:
        self.chat.members.update(p.id for p in people)

    def add_bot(self, *, by: Person, admin: bool = False) -> None:
        """Someone adds the bot: it gets my_chat_member and a new_chat_members service message."""
        self._set_bot_status("administrator" if admin else "member", by)
        em = self._sb.emulator
        em.deliver(self.chat, compose(self.chat, by.user, {"new_chat_members": [em.world.bot.to_api()]}))

    def remove_bot(self, *, by: Person) -> None:
        """Someone removes (bans) the bot from the group: it gets my_chat_member with status kicked."""
        self._set_bot_status("kicked", by)

    def _set_bot_status(self, status: BotStatus, by: Person) -> None:
        em = self._sb.emulator
        old = member_info(self.chat, em.world.bot, em.world.bot)
        self.chat.bot_status = status
        new = member_info(self.chat, em.world.bot, em.world.bot)
        self._sb.note_action()
        em.emit(
            "my_chat_member",
            {
                "chat": self.chat.to_api(),
                "from": by.user.to_api(),
                "date": now(),
                "old_chat_member": old,
                "new_chat_member": new,
            },
        )


ChatRef = ChatHandle | Chat | int
MessageRef = Message | AiogramMessage | Call
Where = Callable[[Call], bool]


class Sandbox:
    """A running emulator plus helpers for readable tests.

    ``async with Sandbox.start(token=..., bot_username=...) as sb:`` starts it on 127.0.0.1 (free port);
    point aiogram at ``sb.base_url`` with ``TelegramAPIServer.from_base``.
    """

    def __init__(self, emulator: Emulator, running: Running) -> None:
        self.emulator = emulator
        self._running = running
        self._action_mark = 0

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        token: str = "123456:SANDBOX",
        bot_username: str = "sandbox_bot",
        *,
        bot_name: str = "Sandbox Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        strict: bool = True,
        spec_path: Path | None = None,
        callback_lifetime: float = 15.0,
        control_api: bool = False,
        rate_limits: bool = False,
    ) -> AsyncIterator[Sandbox]:
        """Start on host:port (0 = a free port).

        control_api adds the JSON API of sandbox.control under /sandbox/; rate_limits turns on loose
        flood limits (sandbox.ratelimit) answering 429 like Telegram.
        """
        emulator = Emulator(
            token,
            bot_username,
            bot_name,
            strict=strict,
            spec_path=spec_path,
            callback_lifetime=callback_lifetime,
            rate_limits=rate_limits,
        )
        holder: list[Sandbox] = []
        extend = (lambda app: control.install(app, lambda: holder[0])) if control_api else None
        running = await serve(emulator, host, port, extend)
        try:
            holder.append(cls(emulator, running))
            yield holder[0]
        finally:
            await running.stop()

    @property
    def base_url(self) -> str:
        return self._running.base_url

    @property
    def token(self) -> str:
        return self.emulator.token

    @property
    def bot_id(self) -> int:
        return self.emulator.world.bot.id

    @property
    def faults(self) -> Faults:
        return self.emulator.faults

    @property
    def calls(self) -> list[Call]:
        return self.emulator.log.calls

    @property
    def violations(self) -> list[Violation]:
        return self.emulator.violations

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued for the bot and not yet confirmed (getUpdates offset) or delivered (webhook)."""
        return list(self.emulator.updates.pending)

    def user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Person:
        user = self.emulator.world.add_user(
            first_name, last_name=last_name, username=username, language_code=language_code
        )
        return Person(self, user)

    def private_chat(self, person: Person) -> ChatHandle:
        return ChatHandle(self, self.emulator.world.private_chat(person.user))

    def group(
        self,
        title: str,
        *,
        members: Iterable[Person] = (),
        supergroup: bool = True,
        forum: bool = False,
        bot_admin: bool = False,
        can_manage_topics: bool = False,
        privacy: bool = True,
        bot_member: bool = True,
        owner: Person | None = None,
        admins: Iterable[Person] = (),
        username: str | None = None,
    ) -> ChatHandle:
        """A group the bot is in (unless bot_member=False). forum=True makes a forum supergroup.

        owner and admins are members with those statuses (getChatMember / getChatAdministrators).

        privacy models the bot's privacy mode in this group; as in Telegram it has no effect when the
        bot is an admin (admin bots receive every message).
        """
        admin_list = list(admins)
        people = [*members, *admin_list, *([owner] if owner else [])]
        chat = self.emulator.world.add_group(
            title,
            supergroup=supergroup,
            forum=forum,
            members={p.id for p in people},
            owner_id=owner.id if owner else None,
            admin_ids={p.id for p in admin_list},
            bot_status=("administrator" if bot_admin else "member") if bot_member else "left",
            can_manage_topics=can_manage_topics,
            privacy=privacy,
            username=username,
        )
        return ChatHandle(self, chat)

    def world_chat(self, chat: ChatRef) -> Chat:
        if isinstance(chat, ChatHandle):
            return chat.chat
        if isinstance(chat, Chat):
            return chat
        found = self.emulator.world.chats.get(chat)
        if found is None:
            raise SandboxUsageError(f"no chat {chat}")
        return found

    def locate(self, message: MessageRef) -> tuple[Chat, int]:
        """(chat, message_id) of a message given as emulator dict, aiogram Message or Call."""
        if isinstance(message, Call):
            message = message.message
        if isinstance(message, dict):
            return self.world_chat(int(message["chat"]["id"])), int(message["message_id"])
        return self.world_chat(int(message.chat.id)), int(message.message_id)

    def current(self, message: MessageRef) -> tuple[Chat, Message]:
        """The chat and the current version of a message (edits applied); usage error if deleted."""
        chat, message_id = self.locate(message)
        found = chat.messages.get(message_id)
        if found is None:
            raise SandboxUsageError(f"message {message_id} is not (or no longer) in chat {chat.id}")
        return chat, found

    def note_action(self) -> None:
        """Remember where the calls log stood when the test last acted (default `since` of wait_for)."""
        self._action_mark = self.mark()

    def mark(self) -> int:
        """A position in the call log, for wait_for(since=...)."""
        return self.emulator.log.mark()

    def calls_to(
        self,
        method: str | None = None,
        *,
        chat: ChatRef | None = None,
        since: int = 0,
        ok: bool | None = None,
    ) -> list[Call]:
        match = self._matcher(method, chat, None, ok)
        return [c for c in self.calls[since:] if match(c)]

    async def wait_for(
        self,
        method: str,
        *,
        chat: ChatRef | None = None,
        where: Where | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, part of the test-facing API
        since: int | None = None,
        ok: bool | None = True,
    ) -> Call:
        """The first call matching method/chat/where, recorded since the mark (default: the test's last action).

        ok=True (default) matches only successful calls, ok=False only failed ones, None both.
        Raises TimeoutError listing the calls that did happen.
        """
        start = self._action_mark if since is None else since
        what = f"{method} call" + (f" to chat {self.world_chat(chat).id}" if chat is not None else "")
        return await self.emulator.log.wait_for(
            self._matcher(method, chat, where, ok), since=start, within=timeout, what=what
        )

    def _matcher(
        self, method: str | None, chat: ChatRef | None, where: Where | None, ok: bool | None
    ) -> Where:
        chat_id = self.world_chat(chat).id if chat is not None else None

        def match(call: Call) -> bool:
            if method is not None and call.method.lower() != method.lower():
                return False
            if chat_id is not None and call.chat_id != chat_id:
                return False
            if ok is not None and call.ok != ok:
                return False
            return where is None or where(call)

        return match

    def early_retries(self, chat: ChatRef | None = None) -> list[str]:
        """Requests sent to a chat before an earlier 429's retry_after elapsed; assert it is empty."""
        return self.emulator.log.early_retries(self.world_chat(chat).id if chat is not None else None)

    def messages_in(self, chat: ChatRef, *, topic: int | None = None) -> list[Message]:
        """The chat's current history (edits applied, deletions removed), oldest first."""
        messages = sorted(self.world_chat(chat).messages.values(), key=lambda m: int(m["message_id"]))
        if topic is not None:
            messages = [m for m in messages if m.get("message_thread_id") == topic]
        return messages

    def message(self, chat: ChatRef, message_id: int) -> Message:
        found = self.world_chat(chat).messages.get(message_id)
        if found is None:
            raise KeyError(f"no message {message_id} in chat {self.world_chat(chat).id}")
        return found

    def callback_answer(self, query: dict[str, Any]) -> dict[str, Any] | None:
        """How the bot answered a callback query (text, show_alert, ...), or None if not (yet)."""
        pending = self.emulator.queries.get(query["id"])
        return pending.answer if pending else None
