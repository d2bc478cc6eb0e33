"""A citizen's commands on their own tickets: ``/status <number>`` and ``/cancel <number>``.

Only the ticket's author sees its status or withdraws it; someone else's number gets the same polite
answer as a number that does not exist, so numbers reveal nothing about other people's tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_, Safe, render
from bot.services.base import Core, ServiceBase, UnitOfWork
from bot.services.forwarding import Forwarding, html_message
from bot.workflow.states import Action, IllegalTransition, TicketState, transition
from storage.models import OPEN_STATUSES, LinkKind, Ticket, TicketStatus

NOT_YOURS = N_("You have no reflection #{number}. Send /mytickets to see your reflections.")
ANSWER_PREVIEW = 300
"""Characters of the last answer shown by /status."""


class CancelResult(StrEnum):
    CANCELLED = "cancelled"
    NOT_YOURS = "not_yours"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    result: CancelResult
    text: str
    """What to tell the citizen (already in their language)."""


class CitizenTicketService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def status(self, ticket_id: int, user_id: int, locale: str) -> str:
        """The status of the citizen's own ticket: state, unit, deadline, last answer."""
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get(ticket_id)
            if ticket is None or ticket.citizen_id != user_id:
                return render(locale, NOT_YOURS, number=ticket_id)
            return await self._describe(work, ticket, locale)

    async def _describe(self, work: UnitOfWork, ticket: Ticket, locale: str) -> str:
        presenter = self.presenter
        lines = [
            render(locale, N_("📋 <b>Reflection #{number}</b>"), number=ticket.id),
            render(locale, "{headline}", headline=presenter.headline(ticket, locale)),
            render(locale, N_("Status: {status}"), status=presenter.status_name(ticket, locale)),
        ]
        if ticket.merged_into_id is not None:
            lines.append(
                render(
                    locale,
                    N_("Merged into #{main}: its answer is sent to you too."),
                    main=ticket.merged_into_id,
                )
            )
        unit_name = await self.forwarding.unit_name(work, ticket.unit_id)
        if unit_name:
            lines.append(render(locale, N_("Handled by: {unit}"), unit=unit_name))
        if ticket.answer_due is not None and ticket.status in OPEN_STATUSES:
            due = ticket.answer_due.astimezone(self.settings.tz).strftime("%H:%M %d/%m/%Y")
            lines.append(render(locale, N_("Answer due by: {time}"), time=due))
        lines.append(await self._last_answer(work, ticket, locale))
        if ticket.rating is not None:
            lines.append(render(locale, N_("Your rating: {stars}"), stars="⭐" * ticket.rating))
        return "\n".join(lines)

    async def _last_answer(self, work: UnitOfWork, ticket: Ticket, locale: str) -> str:
        answered = ticket.merged_into_id if ticket.merged_into_id is not None else ticket.id
        answer = await work.tickets.latest_answer(answered)
        if answer is None:
            return render(locale, N_("No answer yet."))
        when = answer.created_at.astimezone(self.settings.tz).strftime("%H:%M %d/%m/%Y")
        if answer.text:
            text = answer.text if len(answer.text) <= ANSWER_PREVIEW else answer.text[:ANSWER_PREVIEW] + "…"
            body = render(locale, "<i>{text}</i>", text=text)
        else:
            body = render(locale, N_("(a photo or file, sent to you with the answer)"))
        return render(locale, N_("Last answer ({time}):\n{answer}"), time=when, answer=Safe(body))

    async def cancel(self, ticket_id: int, user_id: int, chat_id: int, locale: str) -> CancelOutcome:
        """Withdraw the citizen's own open ticket; the unit is told, and so is the citizen (in ``chat_id``)."""
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get_for_update(ticket_id)
            if ticket is None or ticket.citizen_id != user_id:
                return CancelOutcome(CancelResult.NOT_YOURS, render(locale, NOT_YOURS, number=ticket_id))
            try:
                state = transition(TicketState(ticket.status), Action.CANCEL)
            except IllegalTransition as refused:
                text = render(
                    locale,
                    N_("Reflection #{number} cannot be withdrawn: {reason}."),
                    number=ticket.id,
                    reason=render(locale, refused.reason),
                )
                return CancelOutcome(CancelResult.REFUSED, text)
            previous = ticket.status
            ticket.status = TicketStatus(state)
            await work.tickets.record(ticket.id, "cancelled", user_id, previous_status=str(previous))
            staff_text = render(
                self.settings.default_language,
                N_("🚫 The citizen withdrew reflection #{number}; nothing more is needed."),
                number=ticket.id,
            )
            merged = await work.tickets.merged_into(ticket.id)
            if merged:
                staff_text = render(
                    self.settings.default_language,
                    N_(
                        "🚫 The citizen withdrew reflection #{number}, but {count} other reflection(s) "
                        "merged into it still wait for your answer here."
                    ),
                    number=ticket.id,
                    count=len(merged),
                )
            await self.forwarding.notify_staff(work, ticket, staff_text)
            await self.forwarding.refresh_cards(work, ticket)
            text = render(locale, N_("🚫 Reflection #{number} is withdrawn."), number=ticket.id)
            await work.outbox.enqueue(
                chat_id, "sendMessage", html_message(text), ticket_id=ticket.id, link_kind=LinkKind.NOTICE
            )
        self.wake_outbox()
        return CancelOutcome(CancelResult.CANCELLED, text)
