"""Delivering one claimed outbox row: its forum topic, the request(s), and recording the outcome.

Logs carry row ids, chat ids and Telegram's error descriptions, never message text.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import CreateForumTopic, GetChat, TelegramMethod
from pydantic import ValidationError

from bot.outbox import methods
from bot.outbox.errors import Diagnosis, Verdict, diagnose
from bot.outbox.notices import UnreachableCitizen, UnreachableHook
from bot.outbox.pacing import Backoff
from storage.database import Database
from storage.models import OutboxMessage, utcnow
from storage.repositories.outbox import TOPIC_NAME_MAX, OutboxRepository

log = logging.getLogger(__name__)
T = TypeVar("T")

Pace = Callable[[int, int], Awaitable[None]]
"""Waits until ``cost`` messages may go to ``chat_id`` (and counts them); raises Halted if the worker halts."""
Confirm = Callable[[int, int], None]
"""Tells pacing that the request for ``cost`` messages to ``chat_id`` has been answered."""


class Halted(Exception):
    """The worker is stopping: give the row back."""


@dataclass
class Progress:
    """Whether the row's own request has been started: after that, an interruption leaves it uncertain."""

    requested: bool = False


class Delivery:
    def __init__(
        self,
        database: Database,
        bot: Bot,
        *,
        pace: Pace,
        confirm: Confirm,
        on_unreachable: UnreachableHook,
        backoff: Backoff,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._database = database
        self._bot = bot
        self._pace = pace
        self._confirm = confirm
        self._on_unreachable = on_unreachable
        self._backoff = backoff
        self._rng = rng

    async def deliver(self, row: OutboxMessage, progress: Progress) -> None:
        """Make the row's call and record what happened (sent, rescheduled or failed)."""
        try:
            methods.build(row.method, row.chat_id, row.payload)
        except (KeyError, ValidationError) as error:
            await self._fail(row, f"invalid outbox row: {type(error).__name__} for method {row.method!r}")
            return
        try:
            ids = await self._send(row, progress)
        except Halted:
            raise
        except Exception as error:  # every failure of a call is classified, none is lost
            await self._settle(row, diagnose(error))
            return
        async with self._database.transaction() as session:
            await OutboxRepository(session).mark_sent(row.id, ids)
        log.debug("outbox row %s sent to chat %s as %s", row.id, row.chat_id, ids)

    async def _send(self, row: OutboxMessage, progress: Progress) -> list[int]:
        """The row's request, sent again without the reply if the replied message is gone, or into a new
        topic if the ticket's topic is gone (once each)."""
        payload = row.payload
        thread_id = await self._thread_for(row)
        topic_renewed = False
        while True:
            call = methods.build(row.method, row.chat_id, payload, thread_id)
            try:
                result = await self._call(row.chat_id, call, methods.cost(row.method, payload), progress)
                return methods.message_ids(result)
            except TelegramBadRequest as error:
                progress.requested = False  # refused: nothing was sent
                verdict = diagnose(error).verdict
                if verdict is Verdict.NOT_MODIFIED:
                    return []
                if verdict is Verdict.REPLY_MISSING and payload != methods.without_reply(payload):
                    log.info("outbox row %s: replied message is gone, sending without the reply", row.id)
                    payload = methods.without_reply(payload)
                elif verdict is Verdict.THREAD_MISSING and thread_id is not None and not topic_renewed:
                    log.info("outbox row %s: topic %s of chat %s is gone", row.id, thread_id, row.chat_id)
                    topic_renewed = True
                    thread_id = await self._renew_thread(row)
                else:
                    raise

    async def _thread_for(self, row: OutboxMessage) -> int | None:
        """The ticket's topic in a forum chat (created when missing), or None for the main thread."""
        if not row.in_ticket_thread or row.ticket_id is None:
            return None
        async with self._database.transaction() as session:
            outbox = OutboxRepository(session)
            is_forum = await outbox.is_forum(row.chat_id)
            thread_id = await outbox.ticket_thread(row.ticket_id, row.chat_id)
        if is_forum is None:
            is_forum = await self._learn_chat(row.chat_id)
        if not is_forum:
            return None
        if thread_id is not None:
            return thread_id
        name = (row.topic_name or f"#{row.ticket_id}")[:TOPIC_NAME_MAX]
        try:
            topic = await self._call(row.chat_id, CreateForumTopic(chat_id=row.chat_id, name=name), 1)
        except TelegramBadRequest as error:
            if diagnose(error).verdict is not Verdict.NO_TOPIC_RIGHTS:
                raise
            log.warning(
                "cannot create topics in chat %s (%s): using its main thread", row.chat_id, error.message
            )
            async with self._database.transaction() as session:
                await OutboxRepository(session).mark_not_forum(row.chat_id)
            return None
        async with self._database.transaction() as session:
            await OutboxRepository(session).save_ticket_thread(
                row.ticket_id, row.chat_id, topic.message_thread_id
            )
        return topic.message_thread_id

    async def _learn_chat(self, chat_id: int) -> bool:
        """Ask Telegram whether a chat nobody has recorded yet is a forum, and remember it."""
        chat = await self._bot(GetChat(chat_id=chat_id))
        is_forum = bool(chat.is_forum)
        async with self._database.transaction() as session:
            await OutboxRepository(session).remember_staff_chat(
                chat_id, is_forum=is_forum, title=chat.title or ""
            )
        return is_forum

    async def _call(
        self, chat_id: int, call: TelegramMethod[T], cost: int, progress: Progress | None = None
    ) -> T:
        """One paced request (``progress`` notes when the row's own request starts)."""
        await self._pace(chat_id, cost)
        if progress is not None:
            progress.requested = True
        try:
            return await self._bot(call)
        finally:
            self._confirm(chat_id, cost)

    async def _renew_thread(self, row: OutboxMessage) -> int | None:
        """Forget the ticket's deleted topic and make a new one."""
        assert row.ticket_id is not None  # only rows in a ticket's thread have a thread
        async with self._database.transaction() as session:
            await OutboxRepository(session).forget_ticket_thread(row.ticket_id, row.chat_id)
        return await self._thread_for(row)

    async def _settle(self, row: OutboxMessage, diagnosis: Diagnosis) -> None:
        if diagnosis.verdict is Verdict.RETRY_AFTER:
            log.info(
                "outbox row %s: flood control in chat %s, retrying in %ss",
                row.id,
                row.chat_id,
                diagnosis.retry_after,
            )
            await self._reschedule(row, diagnosis.retry_after, diagnosis.error, count_attempt=False)
        elif diagnosis.verdict is Verdict.TRANSIENT:
            delay = self._backoff.delay(row.attempts, self._rng)
            log.warning("outbox row %s: %s; retrying in %.1fs", row.id, diagnosis.error, delay)
            await self._reschedule(row, delay, diagnosis.error, count_attempt=True)
        elif diagnosis.verdict is Verdict.BLOCKED and row.chat_id > 0:
            await self._unreachable(row, diagnosis.error)
        else:
            await self._fail(row, diagnosis.error)

    async def _reschedule(self, row: OutboxMessage, delay: float, error: str, *, count_attempt: bool) -> None:
        not_before = utcnow() + timedelta(seconds=delay)
        async with self._database.transaction() as session:
            await OutboxRepository(session).reschedule(row.id, not_before, error, count_attempt=count_attempt)

    async def _fail(self, row: OutboxMessage, error: str) -> None:
        log.error("outbox row %s to chat %s failed: %s", row.id, row.chat_id, error)
        async with self._database.transaction() as session:
            await OutboxRepository(session).mark_failed(row.id, error)

    async def _unreachable(self, row: OutboxMessage, error: str) -> None:
        """Fail this and every other pending row to the citizen, mark them unreachable, tell staff."""
        async with self._database.transaction() as session:
            outbox = OutboxRepository(session)
            await outbox.mark_failed(row.id, error)
            others = await outbox.fail_pending_for_chat(row.chat_id, error)
            await outbox.mark_citizen_unreachable(row.chat_id)
            tickets = _distinct(r.ticket_id for r in [row, *others])
            await self._on_unreachable(outbox, UnreachableCitizen(row.chat_id, tickets, error))
        log.warning(
            "citizen %s is unreachable (%s): failed outbox rows %s",
            row.chat_id,
            error,
            [row.id, *(r.id for r in others)],
        )


def _distinct(ticket_ids: Iterable[int | None]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(t for t in ticket_ids if t is not None))
