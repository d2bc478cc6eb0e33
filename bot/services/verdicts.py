"""The citizen's verdict on a resolved ticket: "is the problem solved?" (Yes / No) and a 1–5 star rating.

Only the ticket's author may answer; callback data carries no authority.

* **Yes** on a resolved ticket closes it at once (``close`` is allowed from ``resolved``): the citizen
  confirmed, so there is nothing left for the automatic close to wait for. The unit is told.
* **No** on a resolved ticket reopens it (``reopen`` → ``assigned``), raises ``escalation_level`` by one
  and sends its card, with the citizen's verdict on top, to the parent unit's staff chat; the handling
  unit is told too, and so is the citizen, in their language.
* A **rating** is accepted once the ticket has been resolved (resolved or closed, or reopened by the
  citizen's "No"). A later rating replaces the earlier one — the citizen may change their mind after
  "No" brings another round of work; the digests count the latest. Every rating is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.i18n import N_, render
from bot.services.base import Core, ServiceBase, UnitOfWork
from bot.services.forwarding import Forwarding, html_message
from bot.workflow.states import Action, TicketState, transition
from storage.models import OPEN_STATUSES, LinkKind, Ticket, TicketStatus, utcnow

RATING_RANGE = range(1, 6)
NOT_RESOLVED_CARD = N_(
    "⚠️ <b>The citizen says reflection #{number} is NOT resolved</b> (escalation level {level}); "
    "it is open again at {unit}."
)


class VerdictResult(StrEnum):
    CLOSED = "closed"
    REOPENED = "reopened"
    RATED = "rated"
    UNCHANGED = "unchanged"
    NOT_YOURS = "not_yours"
    NOT_RESOLVED = "not_resolved"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class VerdictOutcome:
    result: VerdictResult
    ticket_id: int | None = None


class VerdictService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def resolved(self, ticket_id: int, user_id: int, solved: bool) -> VerdictOutcome:
        """The author's Yes (``solved``) or No to "is the problem solved?"."""
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get_for_update(ticket_id)
            if ticket is None or ticket.citizen_id != user_id:
                return VerdictOutcome(VerdictResult.NOT_YOURS)
            if ticket.status != TicketStatus.RESOLVED:
                # A second press of the same button (the ticket already closed, or reopened by this citizen).
                repeated = ticket.citizen_resolved is solved and (
                    ticket.status == TicketStatus.CLOSED if solved else ticket.status in OPEN_STATUSES
                )
                result = VerdictResult.UNCHANGED if repeated else VerdictResult.NOT_RESOLVED
                return VerdictOutcome(result, ticket.id)
            if solved:
                await self._close(work, ticket, user_id)
                outcome = VerdictOutcome(VerdictResult.CLOSED, ticket.id)
            else:
                await self._reopen(work, ticket, user_id)
                outcome = VerdictOutcome(VerdictResult.REOPENED, ticket.id)
        self.wake_outbox()
        return outcome

    async def rate(self, ticket_id: int, user_id: int, stars: int) -> VerdictOutcome:
        """The author's 1–5 star rating; a later one replaces it."""
        if stars not in RATING_RANGE:
            return VerdictOutcome(VerdictResult.INVALID)
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get_for_update(ticket_id)
            if ticket is None or ticket.citizen_id != user_id:
                return VerdictOutcome(VerdictResult.NOT_YOURS)
            rateable = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) or (
                ticket.citizen_resolved is not None and ticket.status not in _GONE
            )
            if not rateable:
                return VerdictOutcome(VerdictResult.NOT_RESOLVED, ticket.id)
            if ticket.rating == stars:
                return VerdictOutcome(VerdictResult.UNCHANGED, ticket.id)
            previous = ticket.rating
            ticket.rating = stars
            ticket.rated_at = self._now()
            await work.tickets.record(ticket.id, "rated", user_id, rating=stars, previous=previous)
        return VerdictOutcome(VerdictResult.RATED, ticket.id)

    def _now(self) -> datetime:
        clock: Callable[[], datetime] | None = getattr(self.core, "clock", None)
        return clock() if clock is not None else utcnow()

    async def _close(self, work: UnitOfWork, ticket: Ticket, user_id: int) -> None:
        ticket.status = TicketStatus(transition(TicketState(ticket.status), Action.CLOSE))
        ticket.citizen_resolved = True
        ticket.closed_at = self._now()
        await work.tickets.record(ticket.id, "citizen_confirmed", user_id)
        await work.tickets.record(ticket.id, "closed", user_id, by="citizen")
        text = render(
            self.settings.default_language,
            N_("✅ The citizen confirms reflection #{number} is resolved; it is closed."),
            number=ticket.id,
        )
        await self.forwarding.notify_staff(work, ticket, text)
        await self.forwarding.refresh_cards(work, ticket)

    async def _reopen(self, work: UnitOfWork, ticket: Ticket, user_id: int) -> None:
        ticket.status = TicketStatus(transition(TicketState(ticket.status), Action.REOPEN))
        ticket.citizen_resolved = False
        ticket.resolved_at = None
        ticket.escalation_level = (ticket.escalation_level or 0) + 1
        ticket.overdue = False
        await self.forwarding.set_deadlines(work, ticket, self.core.clock())
        await work.tickets.record(
            ticket.id, "reopened", user_id, by="citizen", escalation_level=ticket.escalation_level
        )
        await self.forwarding.refresh_cards(work, ticket)
        await self._escalate(work, ticket)
        text = render(
            ticket.language,
            N_(
                "🔄 Reflection #{number} is open again: we told the unit and its superior that the problem "
                "is not solved yet."
            ),
            number=ticket.id,
        )
        await self.forwarding.reply_to_citizen(work, ticket, ticket.source_message_id, text, LinkKind.NOTICE)

    async def _escalate(self, work: UnitOfWork, ticket: Ticket) -> None:
        """The card, headed by the citizen's "not resolved", in the parent unit's staff chat; a notice in
        the handling unit's own chat (when that is another chat)."""
        if ticket.unit_id is None:
            return
        locale = self.settings.default_language
        unit = await work.org.unit(ticket.unit_id)
        unit_name = unit.name if unit is not None else ticket.unit_id
        headline = render(
            locale, NOT_RESOLVED_CARD, number=ticket.id, level=ticket.escalation_level, unit=unit_name
        )
        own_chat = await self.forwarding.staff_chat_of(work, ticket.unit_id)
        parent_chat = None
        if unit is not None and unit.parent_id is not None:
            parent_chat = await self.forwarding.staff_chat_of(work, unit.parent_id)
        if parent_chat is not None:
            await self.forwarding.to_staff(
                work, ticket, parent_chat, "sendMessage", html_message(headline), LinkKind.NOTICE
            )
            await self.forwarding.send_card(work, ticket, parent_chat)
        if own_chat is not None and own_chat != parent_chat:
            await self.forwarding.to_staff(
                work, ticket, own_chat, "sendMessage", html_message(headline), LinkKind.NOTICE
            )


_GONE = (TicketStatus.MERGED, TicketStatus.CANCELLED)
