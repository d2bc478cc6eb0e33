"""Digests in Telegram: the weekly job, ``/digest`` on demand, and ``/digest_subscribe``/``_unsubscribe``.

A digest is three messages: the HTML text (``render_text``), the PNG chart (``chart``) and the XLSX
workbook (``workbook``), all in the reader's language and all built by ``build_digest`` (the CLI
``doithoai digest`` uses the same functions for its files).

Who gets the weekly digest (``DigestDeliveries.recipients``): the private chat of every admin — global
(org file ``admins`` and ``ADMIN_IDS``: every unit) or unit admin (their units and all below) — unless
they said ``/digest_unsubscribe`` there, and every chat an admin subscribed with ``/digest_subscribe``
(to their scope or one unit in it). A subscription only counts while its creator may still see the unit.
A chat with subscriptions gets those instead of the admin's default.

Once per chat per week: before sending, the job claims ``(chat, week)`` in ``digest_deliveries`` (an
insert-or-skip, see ``storage.repositories.digest_delivery``) in the transaction that puts the text in
the outbox; two instances, a restart or a manual ``jobs run digest`` never send a week twice. The
outbox stores JSON, not file bytes, so the chart and the workbook are uploaded directly with the bot
*after* that commit: they are sent at most once — if the process dies or Telegram refuses them after the
claim, they are lost for that week (logged) rather than ever sent twice; ``/digest`` gives them again.
Because the text goes through the outbox, it may arrive just after the files.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import BufferedInputFile

from bot.digest.chart import load_daily, render_chart
from bot.digest.figures import DigestFigures
from bot.digest.period import Period, week_of
from bot.digest.render_text import render_digest
from bot.digest.scope import Scope, descendants, unit_scope
from bot.digest.service import DigestService
from bot.digest.workbook import load_tickets, render_workbook
from bot.i18n import N_, render
from bot.services.base import Core
from bot.services.forwarding import html_message
from storage.database import Database
from storage.repositories.digest_delivery import DigestDeliveryRepository
from storage.repositories.digests import DigestRepository

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_DAYS = 366
"""The longest period ``/digest`` builds."""
MAX_RETRY_AFTER = 60.0
FILES_CAPTION = N_("📈 {period}")


# ---- one digest: text, chart, workbook (shared with ``doithoai digest``) ---------------------------


@dataclass(frozen=True, slots=True)
class Digest:
    figures: DigestFigures
    text: str
    chart: bytes
    workbook: bytes
    label: str
    """The period as in file names: ``2026-W47`` or ``2026-11-01..2026-11-30``."""

    @property
    def chart_name(self) -> str:
        return f"digest-{self.label.replace('..', '_')}.png"

    @property
    def workbook_name(self) -> str:
        return f"digest-{self.label.replace('..', '_')}.xlsx"


async def chart_png(
    database: Database,
    scope: Scope,
    period: Period,
    figures: DigestFigures,
    locale: str,
    scope_name: str | None,
    tz: ZoneInfo,
) -> bytes:
    """The chart of ``figures`` as PNG bytes (drawn in a thread: matplotlib is slow and synchronous)."""
    daily = await load_daily(database, scope, period)
    return await asyncio.to_thread(render_chart, figures, daily, locale, scope_name, tz)


async def workbook_xlsx(
    database: Database,
    scope: Scope,
    period: Period,
    figures: DigestFigures,
    locale: str,
    scope_name: str | None,
    tz: ZoneInfo,
    include_citizens: bool = False,
) -> bytes:
    """The workbook of ``figures`` as XLSX bytes; citizens are named only with ``include_citizens``."""
    tickets = await load_tickets(database, scope, period, include_citizens=include_citizens)
    return await asyncio.to_thread(
        render_workbook,
        figures,
        tickets,
        locale,
        scope_name=scope_name,
        tz=tz,
        include_citizens=include_citizens,
    )


async def build_digest(
    service: DigestService,
    scope: Scope,
    period: Period,
    locale: str,
    tz: ZoneInfo,
    *,
    unit_id: str | None = None,
    scope_name: str | None = None,
    now: datetime | None = None,
) -> Digest:
    """Text, chart and workbook of ``scope`` over ``period`` in ``locale`` (``scope_name`` None: all units)."""
    figures = await service.build(scope, period, now=now, scope_unit_id=unit_id)
    database = service.database
    return Digest(
        figures=figures,
        text=render_digest(figures, locale, scope_name),
        chart=await chart_png(database, scope, period, figures, locale, scope_name, tz),
        workbook=await workbook_xlsx(database, scope, period, figures, locale, scope_name, tz),
        label=period.label(),
    )


# ---- who reads what ------------------------------------------------------------------------------


class Outcome(enum.Enum):
    DONE = "done"
    NOT_ALLOWED = "not allowed"
    OUTSIDE_SCOPE = "outside scope"
    TOO_LONG = "too long"


@dataclass(frozen=True, slots=True)
class Recipient:
    chat_id: int
    scope: Scope
    language: str
    roots: tuple[str, ...]
    """The units named in the title (none: all units)."""


@dataclass(frozen=True, slots=True)
class Readers:
    """Admins and the unit tree, read once per run."""

    global_admins: frozenset[int]
    unit_admins: Mapping[int, set[str]]
    parents: Mapping[str, str | None]

    def scope_of(self, user_id: int | None) -> Scope:
        """What ``user_id`` may see now (None: a subscription made outside Telegram, e.g. by a script)."""
        if user_id is None or user_id in self.global_admins:
            return Scope.everything()
        return unit_scope(self.parents, self.unit_admins.get(user_id, ()))

    def roots(self, unit_ids: Collection[str]) -> tuple[str, ...]:
        """The units of ``unit_ids`` that are not below another of them."""
        found = []
        for unit_id in unit_ids:
            parent = self.parents.get(unit_id)
            seen: set[str] = set()
            while parent is not None and parent not in unit_ids and parent not in seen:
                seen.add(parent)
                parent = self.parents.get(parent)
            if parent is None or parent in seen:
                found.append(unit_id)
        return tuple(sorted(found))


@dataclass
class DeliveryReport:
    week: str
    sent: list[int] = field(default_factory=list)
    skipped: int = 0
    failed: list[int] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"week {self.week}: {len(self.sent)} digests sent, {self.skipped} already sent, "
            f"{len(self.failed)} failed"
        )


@dataclass(frozen=True, slots=True)
class Answer:
    """What ``/digest`` gets: a digest, or why not."""

    outcome: Outcome
    digest: Digest | None = None


BotFactory = Callable[[], "Bot"]


def _default_bot_factory(core: Core) -> BotFactory:
    def make() -> Bot:
        from bot.app import make_bot  # not at import time: bot.app imports the scheduler, which imports us

        return make_bot(core.settings)

    return make


class DigestDeliveries:
    """The weekly job, ``/digest`` and subscriptions. ``bot`` sends the files; without one, a bot is made
    from the settings for each weekly run (the scheduler and ``jobs run`` hold none)."""

    def __init__(self, core: Core, bot: Bot | None = None, bot_factory: BotFactory | None = None) -> None:
        self.core = core
        self.settings = core.settings
        self.digests = DigestService(core.db, core.calendar)
        self._bot = bot
        self._bot_factory = bot_factory or _default_bot_factory(core)

    # ---- readers ----------------------------------------------------------------------------------

    async def _readers(self) -> Readers:
        async with self.core.unit_of_work() as work:
            repo = DigestDeliveryRepository(work.session)
            global_admins = await repo.global_admins() | self.settings.admin_ids
            unit_admins = await repo.unit_admins()
            parents = await DigestRepository(work.session).unit_parents()
        return Readers(frozenset(global_admins), unit_admins, parents)

    async def reader_scope(self, user_id: int) -> Scope:
        """Everything for a global admin, a unit admin's units and all below; empty for anyone else."""
        return await self.digests.scope_of_reader(user_id, self.settings.admin_ids)

    async def is_admin(self, user_id: int) -> bool:
        return not (await self.reader_scope(user_id)).is_empty

    async def _scope_name(self, roots: Collection[str]) -> str | None:
        if not roots:
            return None
        async with self.core.db.session() as session:
            names = await DigestRepository(session).unit_names(roots)
        return ", ".join(names.get(unit_id, unit_id) for unit_id in sorted(roots))

    async def recipients(self) -> list[Recipient]:
        """Every chat owed a weekly digest, with its scope and language (chats with nothing to see left out)."""
        readers = await self._readers()
        async with self.core.unit_of_work() as work:
            repo = DigestDeliveryRepository(work.session)
            subscriptions = await repo.subscriptions()
            opted_out = await repo.opted_out()
            languages = await repo.languages(readers.global_admins | readers.unit_admins.keys())
        chats: dict[int, list[tuple[str | None, str]]] = {}
        for row in subscriptions:
            allowed = readers.scope_of(row.created_by)
            valid = (
                allowed.is_global
                if row.unit_id is None
                else (row.unit_id in readers.parents and allowed.allows(row.unit_id))
            )
            if valid:
                chats.setdefault(row.chat_id, []).append((row.unit_id, row.language))
            else:
                log.info("digest subscription of chat %s to %s no longer allowed", row.chat_id, row.unit_id)
        found: list[Recipient] = []
        for chat_id, rows in sorted(chats.items()):
            units = {unit_id for unit_id, _ in rows if unit_id is not None}
            everything = any(unit_id is None for unit_id, _ in rows)
            scope = Scope.everything() if everything else unit_scope(readers.parents, units)
            roots = () if everything else readers.roots(units)
            found.append(Recipient(chat_id, scope, rows[0][1], roots))
        default = self.settings.default_language
        for user_id in sorted(readers.global_admins | readers.unit_admins.keys()):
            if user_id in chats or user_id in opted_out:
                continue
            scope = readers.scope_of(user_id)
            if scope.is_empty:
                continue
            roots = () if scope.is_global else readers.roots(readers.unit_admins.get(user_id, set()))
            found.append(Recipient(user_id, scope, languages.get(user_id, default), roots))
        return found

    # ---- the weekly job ---------------------------------------------------------------------------

    def week_before(self, now: datetime) -> Period:
        """The last full week before ``now`` (Monday 00:00 to Sunday 24:00 local time)."""
        tz = self.settings.tz
        return week_of(now.astimezone(tz).date() - timedelta(days=7), tz)

    async def run(self, now: datetime | None = None) -> DeliveryReport:
        """Send last week's digest to every recipient that has not had it yet."""
        now = now or self.core.clock()
        period = self.week_before(now)
        week = period.label()
        report = DeliveryReport(week)
        recipients = await self.recipients()
        async with self.core.db.session() as session:
            delivered = await DigestDeliveryRepository(session).delivered(week)
        pending = [r for r in recipients if r.chat_id not in delivered]
        report.skipped = len(recipients) - len(pending)
        if not pending:
            log.info("digest %s", report.describe())
            return report
        bot, own_bot = (self._bot, False) if self._bot is not None else (self._bot_factory(), True)
        try:
            for recipient in pending:
                try:
                    sent = await self._deliver(bot, recipient, period, now)
                except Exception:
                    log.exception("digest %s to chat %s failed", week, recipient.chat_id)
                    report.failed.append(recipient.chat_id)
                    continue
                if sent is None:
                    report.skipped += 1
                elif sent:
                    report.sent.append(recipient.chat_id)
                else:
                    report.failed.append(recipient.chat_id)
        finally:
            if own_bot:
                await bot.session.close()
        log.info("digest %s", report.describe())
        return report

    async def _deliver(self, bot: Bot, recipient: Recipient, period: Period, now: datetime) -> bool | None:
        """None: another run had claimed it; True: sent; False: claimed, but a file could not be sent."""
        scope_name = await self._scope_name(recipient.roots)
        unit_id = recipient.roots[0] if len(recipient.roots) == 1 else None
        digest = await build_digest(
            self.digests,
            recipient.scope,
            period,
            recipient.language,
            self.settings.tz,
            unit_id=unit_id,
            scope_name=scope_name,
            now=now,
        )
        async with self.core.unit_of_work() as work:
            if not await DigestDeliveryRepository(work.session).claim(recipient.chat_id, digest.label, now):
                return None
            await work.outbox.enqueue(recipient.chat_id, "sendMessage", html_message(digest.text))
        self.core.wake_outbox()
        ok = True
        caption = render(recipient.language, FILES_CAPTION, period=digest.label)
        for send in (
            lambda: bot.send_photo(
                recipient.chat_id, BufferedInputFile(digest.chart, digest.chart_name), caption=caption
            ),
            lambda: bot.send_document(
                recipient.chat_id, BufferedInputFile(digest.workbook, digest.workbook_name)
            ),
        ):
            try:
                await _patiently(send)
            except Exception as error:  # at most once: the claim stands, the file is lost for this week
                log.warning("digest %s file to chat %s not sent: %s", digest.label, recipient.chat_id, error)
                ok = False
        return ok

    # ---- /digest on demand ------------------------------------------------------------------------

    async def on_demand(self, user_id: int, period: Period, unit_id: str | None, locale: str) -> Answer:
        """The digest ``user_id`` asked for: only admins, only inside their scope."""
        scope = await self.reader_scope(user_id)
        if scope.is_empty:
            return Answer(Outcome.NOT_ALLOWED)
        if period.days > MAX_DAYS:
            return Answer(Outcome.TOO_LONG)
        if unit_id is not None:
            if not scope.allows(unit_id):
                return Answer(Outcome.OUTSIDE_SCOPE)
            async with self.core.db.session() as session:
                parents = await DigestRepository(session).unit_parents()
            if unit_id not in parents:
                return Answer(Outcome.OUTSIDE_SCOPE)
            scope = Scope(descendants(parents, [unit_id]))
            roots: tuple[str, ...] = (unit_id,)
        elif scope.is_global:
            roots = ()
        else:
            readers = await self._readers()
            roots = readers.roots(readers.unit_admins.get(user_id, set()))
        digest = await build_digest(
            self.digests,
            scope,
            period,
            locale,
            self.settings.tz,
            unit_id=roots[0] if len(roots) == 1 else None,
            scope_name=await self._scope_name(roots),
            now=self.core.clock(),
        )
        return Answer(Outcome.DONE, digest)

    # ---- subscriptions ----------------------------------------------------------------------------

    async def subscribe(self, user_id: int, chat_id: int, unit_id: str | None, language: str) -> Outcome:
        """Subscribe ``chat_id`` to ``user_id``'s scope, or to ``unit_id`` inside it."""
        readers = await self._readers()
        scope = readers.scope_of(user_id)
        if scope.is_empty:
            return Outcome.NOT_ALLOWED
        if unit_id is not None and not (unit_id in readers.parents and scope.allows(unit_id)):
            return Outcome.OUTSIDE_SCOPE
        if unit_id is not None:
            units: list[str | None] = [unit_id]
        elif scope.is_global:
            units = [None]
        else:
            units = list(readers.roots(readers.unit_admins.get(user_id, set())))
        async with self.core.unit_of_work() as work:
            repo = DigestDeliveryRepository(work.session)
            for unit in units:
                await repo.subscribe(chat_id, unit, language, user_id)
        return Outcome.DONE

    async def unsubscribe(self, user_id: int, chat_id: int) -> Outcome:
        """No more weekly digest in ``chat_id`` (admins only)."""
        if not await self.is_admin(user_id):
            return Outcome.NOT_ALLOWED
        async with self.core.unit_of_work() as work:
            await DigestDeliveryRepository(work.session).unsubscribe(chat_id)
        return Outcome.DONE


async def _patiently(send: Callable[[], Awaitable[object]]) -> None:
    """Call ``send`` (an aiogram request); after a flood wait, once more."""
    try:
        await send()
    except TelegramRetryAfter as error:
        await asyncio.sleep(min(float(error.retry_after), MAX_RETRY_AFTER))
        await send()


__all__ = [
    "Answer",
    "DeliveryReport",
    "Digest",
    "DigestDeliveries",
    "Outcome",
    "Recipient",
    "build_digest",
    "chart_png",
    "workbook_xlsx",
]
