"""The deadline sweep: reminders, overdue marks and escalations, automatic closing, daily summaries.

Everything is computed from database state as of ``now``; there is no job per ticket. Each notice is
claimed by a unique key in ``sla_notices`` (see ``storage.repositories.sla``) in the same transaction
as its outbox rows and the ticket's changes, one transaction per notice, so a second sweep (another
instance, or after a restart) finds it claimed and sends nothing.

Keys:
- ``reminder:<ticket>:<answer due, UTC ISO>`` — at 75 % of the working time from forwarding to the
  answer deadline, in the handling unit's staff chat (a new deadline gets a new reminder);
- ``overdue:<ticket>:<level>:<answer due>`` (a reopened ticket gets a new deadline, so a new round) — level 1 when the answer deadline passes: the ticket is marked overdue,
  the handling chat is told, and a card goes to the parent unit's staff chat. Each further level
  comes when the ticket is still unanswered after the same working time again (the time the parent
  had to act), and goes one unit further up, until there is no unit above with a staff chat;
- ``autoclose:<ticket>:<resolved, UTC ISO>`` — resolved 7 days ago and nothing heard since: closed;
- ``daily:<chat>:<local date>`` — from 08:00 on working days, each staff chat's open tickets.

Only the answer deadline is reminded and escalated; the first-response deadline is stored for reports.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta

from bot.i18n import Safe, render
from bot.services.base import Core, UnitOfWork
from bot.services.forwarding import Forwarding, html_message
from bot.sla import texts
from bot.workflow.states import Action, TicketState, transition
from storage.models import LinkKind, MessageRole, SourceKind, Ticket, TicketStatus, Unit
from storage.repositories.sla import AWAITING_ANSWER

log = logging.getLogger(__name__)

DAILY_AT = time(8, 0)
AUTO_CLOSE_AFTER = timedelta(days=7)
SUMMARY_MAX_LINES = 40


@dataclass(slots=True)
class SweepReport:
    first_response_late: int = 0
    reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    closed: int = 0
    summaries: int = 0
    failures: int = 0

    @property
    def sent(self) -> int:
        return (
            self.first_response_late
            + self.reminders
            + self.overdue
            + self.escalations
            + self.closed
            + self.summaries
        )

    def describe(self) -> str:
        return ", ".join(f"{field.name} {getattr(self, field.name)}" for field in fields(self))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class SlaSweeper:
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        self.core = core
        self.forwarding = forwarding
        self.policy = core.sla_policy
        self.calendar = core.calendar
        self.tz = core.settings.tz
        self.locale = core.settings.default_language

    async def run(self, now: datetime | None = None) -> SweepReport:
        """One sweep as of ``now`` (default: the core's clock)."""
        now = self.core.clock() if now is None else now
        if now.tzinfo is None:
            raise ValueError("the sweep needs a timezone-aware time")
        report = SweepReport()
        await self._first_responses(now, report)
        await self._reminders(now, report)
        await self._overdue(now, report)
        await self._auto_close(now, report)
        await self._daily(now, report)
        if report.sent:
            self.core.wake_outbox()
        log.info("sla sweep at %s: %s", _iso(now), report.describe())
        return report

    async def _each(
        self, report: SweepReport, what: str, ids: Sequence[object], act: Callable[[object], Awaitable[None]]
    ) -> None:
        """``act`` on each item in its own transaction; one failure does not stop the others."""
        for item in ids:
            try:
                await act(item)
            except Exception:
                report.failures += 1
                log.exception("sla sweep: %s %s failed", what, item)

    # ---- first response ---------------------------------------------------------------------------

    async def _first_responses(self, now: datetime, report: SweepReport) -> None:
        """One notice in the unit's chat for a ticket nobody took by its first-response deadline."""
        async with self.core.unit_of_work() as work:
            late = [ticket.id for ticket in await work.sla.first_response_late(now)]

        async def tell(ticket_id: object) -> None:
            assert isinstance(ticket_id, int)
            async with self.core.unit_of_work() as work:
                ticket = await work.tickets.get_for_update(ticket_id)
                if ticket is None or ticket.status != TicketStatus.FORWARDED or ticket.first_response_at:
                    return
                due = ticket.first_response_due
                if due is None or due > now:
                    return
                if not await work.sla.claim(
                    f"firstresponse:{ticket.id}:{_iso(due)}", "first_response", ticket.id, now
                ):
                    return
                text = render(
                    self.locale,
                    texts.FIRST_RESPONSE_LATE,
                    number=ticket.id,
                    due=texts.short_time(due, self.tz),
                )
                await self.forwarding.notify_staff(work, ticket, text)
                await work.tickets.record(ticket.id, "sla_first_response_late", None, due=_iso(due))
                report.first_response_late += 1

        await self._each(report, "first-response notice for ticket", late, tell)

    # ---- reminders --------------------------------------------------------------------------------

    def reminder_key(self, ticket: Ticket) -> str:
        assert ticket.answer_due is not None
        return f"reminder:{ticket.id}:{_iso(ticket.answer_due)}"

    def reminder_due(self, ticket: Ticket) -> datetime:
        assert ticket.forwarded_at is not None and ticket.answer_due is not None
        return self.policy.reminder_due(ticket.forwarded_at, ticket.answer_due)

    async def _reminders(self, now: datetime, report: SweepReport) -> None:
        async with self.core.unit_of_work() as work:
            due = {
                self.reminder_key(t): t.id
                for t in await work.sla.awaiting_answer(now)
                if self.reminder_due(t) <= now
            }
            for key in await work.sla.claimed(due):
                del due[key]

        async def remind(ticket_id: object) -> None:
            assert isinstance(ticket_id, int)
            async with self.core.unit_of_work() as work:
                ticket = await work.tickets.get_for_update(ticket_id)
                if ticket is None or not self._awaiting(ticket) or ticket.overdue:
                    return
                assert ticket.answer_due is not None
                if not now < ticket.answer_due or self.reminder_due(ticket) > now:
                    return
                if not await work.sla.claim(self.reminder_key(ticket), "reminder", ticket.id, now):
                    return
                text = render(
                    self.locale,
                    texts.REMINDER,
                    number=ticket.id,
                    hours=texts.hours(self.calendar.between(now, ticket.answer_due), self.locale),
                    due=texts.short_time(ticket.answer_due, self.tz),
                )
                await self.forwarding.notify_staff(work, ticket, text)
                await work.tickets.record(ticket.id, "sla_reminder", None, due=_iso(ticket.answer_due))
                report.reminders += 1
                log.info("sla: reminder for ticket %d", ticket.id)

        await self._each(report, "reminder for ticket", sorted(due.values()), remind)

    # ---- overdue and escalation -------------------------------------------------------------------

    def level_due(self, ticket: Ticket, level: int) -> datetime:
        """When escalation ``level`` is due: the answer deadline, then the same working time again per level."""
        assert ticket.forwarded_at is not None and ticket.answer_due is not None
        due = ticket.answer_due
        if level > 1:
            allowed = self.calendar.between(ticket.forwarded_at, ticket.answer_due)
            step = allowed if allowed > timedelta() else self.calendar.day_length
            for _ in range(level - 1):
                due = self.calendar.add(due, step)
        return due

    @staticmethod
    def _awaiting(ticket: Ticket) -> bool:
        return (
            ticket.status in AWAITING_ANSWER and ticket.unit_id is not None and ticket.answer_due is not None
        )

    @staticmethod
    def _next_level(ticket: Ticket) -> int:
        return ticket.escalation_level + 1 if ticket.overdue else 1

    async def _overdue(self, now: datetime, report: SweepReport) -> None:
        async with self.core.unit_of_work() as work:
            candidates = [
                t.id for t in await work.sla.past_due(now) if self.level_due(t, self._next_level(t)) <= now
            ]

        async def escalate(ticket_id: object) -> None:
            assert isinstance(ticket_id, int)
            async with self.core.unit_of_work() as work:
                ticket = await work.tickets.get_for_update(ticket_id)
                if ticket is None or not self._awaiting(ticket):
                    return
                level = self._next_level(ticket)
                if level > 1 and ticket.escalation_level < 1:
                    return  # overdue with no unit above to report to
                if self.level_due(ticket, level) > now:
                    return
                assert ticket.unit_id is not None and ticket.answer_due is not None
                targets = await self.escalation_targets(work, ticket.unit_id)
                target = targets[level - 1] if level <= len(targets) else None
                if target is None and level > 1:
                    return
                key = f"overdue:{ticket.id}:{level}:{ticket.answer_due.isoformat()}"
                if not await work.sla.claim(key, "overdue", ticket.id, now):
                    return
                unit = await work.org.unit(ticket.unit_id)
                unit_name = unit.name if unit is not None else ticket.unit_id
                ticket.overdue = True
                if level == 1:
                    await self._tell_handling_chat(work, ticket, target[0] if target else None)
                    await self.forwarding.refresh_cards(work, ticket)
                    report.overdue += 1
                if target is not None:
                    ticket.escalation_level = level
                    await self._escalation_card(work, ticket, target[1], unit_name, level)
                    report.escalations += 1
                await work.tickets.record(
                    ticket.id,
                    "sla_overdue" if level == 1 else "sla_escalated",
                    None,
                    level=level,
                    to_unit=target[0].id if target else None,
                )
                log.info(
                    "sla: ticket %d overdue, level %d, escalated to %s",
                    ticket.id,
                    level,
                    target and target[0].id,
                )

        await self._each(report, "overdue ticket", candidates, escalate)

    async def escalation_targets(self, work: UnitOfWork, unit_id: str) -> list[tuple[Unit, int]]:
        """The units above the handling one that have their own staff chat, nearest first, with the chat."""
        chain = await work.org.ancestors(unit_id)
        handling = next((i for i, unit in enumerate(chain) if unit.staff_chat_id is not None), len(chain))
        targets: list[tuple[Unit, int]] = []
        seen = {chain[handling].staff_chat_id} if handling < len(chain) else set()
        for unit in chain[handling + 1 :]:
            if unit.staff_chat_id is not None and unit.staff_chat_id not in seen:
                seen.add(unit.staff_chat_id)
                targets.append((unit, unit.staff_chat_id))
        return targets

    async def _tell_handling_chat(self, work: UnitOfWork, ticket: Ticket, parent: Unit | None) -> None:
        assert ticket.answer_due is not None
        due = texts.full_time(ticket.answer_due, self.tz)
        if parent is None:
            text = render(self.locale, texts.OVERDUE, number=ticket.id, due=due)
        else:
            text = render(self.locale, texts.OVERDUE_REPORTED, number=ticket.id, due=due, unit=parent.name)
        await self.forwarding.notify_staff(work, ticket, text)

    async def _escalation_card(
        self, work: UnitOfWork, ticket: Ticket, chat_id: int, unit_name: str, level: int
    ) -> None:
        """Why, then the usual card (replies to it answer the citizen), then the citizen's messages."""
        assert ticket.answer_due is not None
        citizen = await work.citizens.get(ticket.citizen_id)
        assert citizen is not None
        values: dict[str, object] = {
            "number": ticket.id,
            "unit": unit_name,
            "due": texts.full_time(ticket.answer_due, self.tz),
        }
        header = (
            render(self.locale, texts.ESCALATION, **values)
            if level == 1
            else render(self.locale, texts.ESCALATION_AGAIN, level=level, **values)
        )
        card = f"{header}\n\n{self.core.presenter.card(ticket, citizen, self.locale)}"
        send = self.forwarding.to_staff
        await send(work, ticket, chat_id, "sendMessage", html_message(card), LinkKind.ESCALATION)
        for message in await work.tickets.messages(ticket.id, MessageRole.CITIZEN):
            payload = {"from_chat_id": message.chat_id, "message_id": message.message_id}
            await send(work, ticket, chat_id, "copyMessage", payload, LinkKind.COPY)

    # ---- closing resolved tickets nobody came back to ---------------------------------------------

    async def _auto_close(self, now: datetime, report: SweepReport) -> None:
        cutoff = now - AUTO_CLOSE_AFTER
        async with self.core.unit_of_work() as work:
            candidates = [ticket.id for ticket in await work.sla.resolved_before(cutoff)]

        async def close(ticket_id: object) -> None:
            assert isinstance(ticket_id, int)
            async with self.core.unit_of_work() as work:
                ticket = await work.tickets.get_for_update(ticket_id)
                if ticket is None or ticket.status != TicketStatus.RESOLVED or ticket.resolved_at is None:
                    return
                if ticket.resolved_at > cutoff or ticket.last_message_at > cutoff:
                    return
                key = f"autoclose:{ticket.id}:{_iso(ticket.resolved_at)}"
                if not await work.sla.claim(key, "autoclose", ticket.id, now):
                    return
                ticket.status = TicketStatus(transition(TicketState(ticket.status), Action.CLOSE).value)
                ticket.closed_at = now
                await work.tickets.record(ticket.id, "closed", None, reason="no_response")
                await self.forwarding.refresh_cards(work, ticket)
                if ticket.source_kind == SourceKind.PRIVATE:
                    text = render(ticket.language, texts.AUTO_CLOSED, number=ticket.id)
                    await self.forwarding.reply_to_citizen(work, ticket, None, text, LinkKind.NOTICE)
                report.closed += 1
                log.info("sla: ticket %d closed after 7 days without response", ticket.id)

        await self._each(report, "closing ticket", candidates, close)

    # ---- daily summary ----------------------------------------------------------------------------

    async def _daily(self, now: datetime, report: SweepReport) -> None:
        local = now.astimezone(self.tz)
        if local.time() < DAILY_AT or not self.calendar.is_working_day(local.date()):
            return
        day = local.date().isoformat()
        async with self.core.unit_of_work() as work:
            chat_of = _chats_of(await work.org.units())
            by_chat: dict[int, list[Ticket]] = {}
            for ticket in await work.sla.open_with_unit():
                chat = chat_of.get(ticket.unit_id or "")
                if chat is not None:
                    by_chat.setdefault(chat, []).append(ticket)
            keys = {chat: f"daily:{chat}:{day}" for chat in by_chat}
            done = await work.sla.claimed(keys.values())

        async def summarise(chat: object) -> None:
            assert isinstance(chat, int)
            async with self.core.unit_of_work() as work:
                if not await work.sla.claim(keys[chat], "daily", None, now):
                    return
                text = self.summary(by_chat[chat], now, local.strftime("%d/%m/%Y"))
                await work.outbox.enqueue(chat, "sendMessage", html_message(text))
                report.summaries += 1
                log.info("sla: daily summary to chat %d (%d tickets)", chat, len(by_chat[chat]))

        await self._each(
            report, "daily summary to chat", [c for c in sorted(by_chat) if keys[c] not in done], summarise
        )

    def is_late(self, ticket: Ticket, now: datetime) -> bool:
        return ticket.status in AWAITING_ANSWER and ticket.answer_due is not None and ticket.answer_due <= now

    def summary(self, tickets: Sequence[Ticket], now: datetime, date: str) -> str:
        locale = self.locale
        late = sum(1 for ticket in tickets if self.is_late(ticket, now))
        lines = [render(locale, texts.SUMMARY_HEADER, date=date, open=len(tickets), overdue=late)]
        for ticket in tickets[:SUMMARY_MAX_LINES]:
            line = render(
                locale,
                texts.SUMMARY_LINE,
                number=ticket.id,
                headline=self.core.presenter.headline(ticket, locale),
                age=Safe(texts.age(ticket.created_at, now, locale)),
            )
            if ticket.status == TicketStatus.ANSWERED:
                line += " · " + render(locale, texts.MARK_ANSWERED)
            if self.is_late(ticket, now):
                line += " " + render(locale, texts.MARK_OVERDUE)
            lines.append(line)
        if len(tickets) > SUMMARY_MAX_LINES:
            lines.append(render(locale, texts.SUMMARY_MORE, count=len(tickets) - SUMMARY_MAX_LINES))
        return "\n".join(lines)


def _chats_of(units: Sequence[Unit]) -> dict[str, int]:
    """Each unit's staff chat, or its nearest ancestor's (as ``Forwarding.staff_chat_of``)."""
    by_id = {unit.id: unit for unit in units}
    chats: dict[str, int] = {}
    for unit in units:
        current: Unit | None = unit
        seen: set[str] = set()
        while current is not None and current.id not in seen:
            if current.staff_chat_id is not None:
                chats[unit.id] = current.staff_chat_id
                break
            seen.add(current.id)
            current = by_id.get(current.parent_id) if current.parent_id else None
    return chats
