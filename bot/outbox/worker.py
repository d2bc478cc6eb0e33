"""The outbox worker: delivers owed Bot API calls, each chat in order, nothing lost and nothing twice.

Every row goes through three steps, each its own commit:

1. **claim** — ``pending`` → ``sending`` (a conditional UPDATE only one instance can win, and only for the
   chat's head row while no row of that chat is ``sending``), committed *before* any request;
2. **the HTTP call(s)** to Telegram;
3. **outcome** — ``sent`` with the resulting message ids and their ``MessageLink`` rows, or back to
   ``pending`` with a later ``not_before`` (flood control, 5xx, network), or ``failed``.

So a row is sent again only if Telegram said it was not sent — with one exception: a dropped
connection, a timeout or a 5xx answer is retried (never dropped), and the Bot API has no idempotency key,
so if Telegram had in fact processed that request the message arrives twice. Everything else is at most
once:

* A graceful :meth:`OutboxWorker.stop` keeps delivering what is due for up to the drain timeout, then
  stops claiming, gives back claimed rows whose request has not started (still waiting for pacing) and
  waits for in-flight requests to finish, so nothing stays ``sending``. Only a request still unanswered
  after the session timeout (+5 s) is cancelled; its row becomes ``uncertain``.
* After a crash, a ``sending`` row is ambiguous (its request may have reached Telegram). At start the
  worker marks rows left ``sending`` by its own ``instance`` name ``uncertain``; rows of any instance that
  stay ``sending`` longer than ``stale_after`` (a dead instance's) are marked ``uncertain`` too. An
  ``uncertain`` row is never resent: it is logged and left for admins, and it stops holding back later
  rows of its chat.

A worker runs once (start, then stop); make a new one to run again. Several instances may run against one database (give each a distinct ``instance`` name); pacing is per
instance, so with several, give each a share of Telegram's limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot

from bot.outbox.delivery import Delivery, Halted, Progress
from bot.outbox.notices import UnreachableHook, notify_staff
from bot.outbox.pacing import Backoff, Pacer
from storage.database import Database
from storage.models import OutboxMessage, utcnow
from storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)

STALE_SWEEP_INTERVAL = 60.0
IN_FLIGHT_GRACE = 5.0


class OutboxWorker:
    def __init__(
        self,
        database: Database,
        bot: Bot,
        *,
        on_blocked: UnreachableHook = notify_staff,
        concurrency: int = 8,
        poll_interval: float = 1.0,
        pacer: Pacer | None = None,
        backoff: Backoff | None = None,
        instance: str | None = None,
        stale_after: timedelta = timedelta(minutes=10),
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._database = database
        self._bot = bot
        self._concurrency = concurrency
        self._poll_interval = poll_interval
        self._pacer = pacer or Pacer()
        self._instance = (instance or socket.gethostname())[:64]
        self._stale_after = stale_after
        self._delivery = Delivery(
            database,
            bot,
            pace=self._pace,
            confirm=self._pacer.confirm,
            on_unreachable=on_blocked,
            backoff=backoff or Backoff(),
            rng=rng,
        )
        self._chats: dict[int, asyncio.Task[None]] = {}
        self._wakeup = asyncio.Event()
        self._halt = asyncio.Event()
        self._draining = False
        self._loop_task: asyncio.Task[None] | None = None
        self._scans_started = 0
        self._last_scan = 0
        self._last_scan_idle = False
        self._scanned = asyncio.Condition()
        self._next_sweep = 0.0

    async def start(self) -> None:
        """Resolve rows a previous run left ``sending``, then deliver in the background."""
        if self._loop_task is not None:
            raise RuntimeError("the outbox worker is already running")
        await self._sweep_stale(own=True)
        self._loop_task = asyncio.create_task(self._run(), name="outbox-worker")

    def wake(self) -> None:
        """Look for due rows now (call after committing a transaction that enqueued some)."""
        self._wakeup.set()

    async def stop(self, drain_timeout: float = 10.0) -> None:
        """Deliver what is due for up to ``drain_timeout`` seconds, then give back unstarted rows and let
        in-flight requests finish."""
        if self._loop_task is None:
            return
        self._draining = True
        self.wake()
        try:
            await asyncio.wait_for(asyncio.shield(self._loop_task), drain_timeout)
        except TimeoutError:
            self._halt.set()
            self.wake()
            timeout = float(self._bot.session.timeout) + IN_FLIGHT_GRACE
            try:
                await asyncio.wait_for(asyncio.shield(self._loop_task), timeout)
            except TimeoutError:
                self._loop_task.cancel()
                await asyncio.gather(self._loop_task, return_exceptions=True)
        self._loop_task = None

    async def settled(self, chat_id: int, within: float) -> None:
        """Return once nothing is being delivered to ``chat_id`` (so the links of what was sent there are
        committed), or after ``within`` seconds."""
        task = self._chats.get(chat_id)
        if task is not None:
            await asyncio.wait({task}, timeout=within)

    async def wait_idle(self, timeout: float) -> None:  # noqa: ASYNC109 (a deadline for tests)
        """Return once no row is pending (due or scheduled) or in flight; TimeoutError otherwise."""
        if self._loop_task is None:
            raise RuntimeError("the outbox worker is not running")
        async with asyncio.timeout(timeout), self._scanned:
            after = self._scans_started
            self.wake()
            await self._scanned.wait_for(lambda: self._last_scan > after and self._last_scan_idle)

    # --- the scheduling loop ------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            while True:
                self._wakeup.clear()
                try:
                    await self._scan()
                except Exception:
                    log.exception("outbox scan failed; retrying")
                if self._draining and not self._chats:
                    return
                await self._sleep()
        finally:
            await self._stop_chats()

    async def _scan(self) -> None:
        """Start a task for each chat with a due head row (nothing due is left idle while slots are free)."""
        self._scans_started += 1
        scan = self._scans_started
        await self._sweep_stale(own=False)
        if not self._halt.is_set():
            free = self._concurrency - len(self._chats)
            if free > 0:
                async with self._database.session() as session:
                    heads = await OutboxRepository(session).due_heads(
                        utcnow(), exclude_chats=list(self._chats), limit=free
                    )
                for head in heads:
                    self._start_chat(head.chat_id)
        idle = not self._chats and await self._unsettled() == 0
        async with self._scanned:
            self._last_scan, self._last_scan_idle = scan, idle
            self._scanned.notify_all()

    async def _sleep(self) -> None:
        """Until woken (a chat task finishing wakes it), the next scheduled row of an idle chat is due while
        a slot is free, or the poll interval passes."""
        timeout = self._poll_interval
        if len(self._chats) < self._concurrency and not self._halt.is_set():
            try:
                async with self._database.session() as session:
                    due_at = await OutboxRepository(session).next_head_due_at(exclude_chats=list(self._chats))
            except Exception:
                log.exception("outbox: cannot read the next due time")
                due_at = None
            if due_at is not None:
                timeout = min(timeout, max(0.0, (due_at - utcnow()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout)

    async def _unsettled(self) -> int:
        async with self._database.session() as session:
            return await OutboxRepository(session).count_unsettled()

    async def _sweep_stale(self, *, own: bool) -> None:
        """Stuck ``sending`` rows become ``uncertain``: own ones at start, anyone's after ``stale_after``."""
        loop_time = asyncio.get_running_loop().time()
        if not own and loop_time < self._next_sweep:
            return
        self._next_sweep = loop_time + min(STALE_SWEEP_INTERVAL, self._stale_after.total_seconds() / 2)
        async with self._database.transaction() as session:
            ids = await OutboxRepository(session).mark_stale_uncertain(
                claimed_by=self._instance if own else None, claimed_before=utcnow() - self._stale_after
            )
        if ids:
            log.error("outbox rows %s were left 'sending' and are now 'uncertain' (not resent)", ids)

    # --- one task per chat --------------------------------------------------------------------------

    def _start_chat(self, chat_id: int) -> None:
        task = asyncio.create_task(self._drain_chat(chat_id), name=f"outbox-chat-{chat_id}")
        self._chats[chat_id] = task
        task.add_done_callback(lambda _: self._chat_done(chat_id))

    def _chat_done(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)
        self.wake()

    async def _drain_chat(self, chat_id: int) -> None:
        """Deliver the chat's due rows in order, one at a time."""
        try:
            while not self._halt.is_set():
                async with self._database.transaction() as session:
                    row = await OutboxRepository(session).claim_next(chat_id, utcnow(), self._instance)
                if row is None:
                    return
                await self._deliver(row)
        except Halted:
            return
        except Exception:
            log.exception("outbox: delivery to chat %s broke off", chat_id)

    async def _deliver(self, row: OutboxMessage) -> None:
        progress = Progress()
        try:
            await self._delivery.deliver(row, progress)
        except (Halted, asyncio.CancelledError):
            await self._abandon(row, progress)
            raise

    async def _abandon(self, row: OutboxMessage, progress: Progress) -> None:
        """A stop interrupted the row: give it back, or mark it uncertain if its request had started."""
        async with self._database.transaction() as session:
            outbox = OutboxRepository(session)
            if progress.requested:
                log.error("outbox row %s interrupted while its request was in flight: uncertain", row.id)
                await outbox.mark_uncertain(row.id, "interrupted while the request was in flight")
            else:
                await outbox.release(row.id)

    async def _stop_chats(self) -> None:
        tasks = list(self._chats.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _pace(self, chat_id: int, cost: int) -> None:
        """Wait until Telegram's limits allow ``cost`` messages to the chat; Halted if the worker halts."""
        while (delay := self._pacer.delay(chat_id, cost)) > 0:
            try:
                await asyncio.wait_for(self._halt.wait(), delay)
            except TimeoutError:
                continue
            raise Halted
        self._pacer.record(chat_id, cost)
