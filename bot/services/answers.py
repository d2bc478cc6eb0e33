"""Officials answer from their staff chat; the answer goes back to where the citizen asked."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_, render
from bot.services.base import Core, ServiceBase, UnitOfWork, keep_message
from bot.services.forwarding import Forwarding, html_message
from bot.services.incoming import IncomingMessage
from storage.models import LinkKind, MessageRole, SourceKind, Ticket, TicketStatus, utcnow

SETTLE_WITHIN = 5.0


class AnswerResult(StrEnum):
    NOT_A_TICKET = "not_a_ticket"
    RELAYED = "relayed"
    REFUSED = "refused"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    result: AnswerResult
    ticket_id: int | None = None


class AnswerService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def ticket_of(self, work: UnitOfWork, message: IncomingMessage) -> Ticket | None:
        """The ticket a staff-chat message is about: by the bot message it replies to, or by its forum topic."""
        if message.reply_to_message_id is not None:
            ticket = await work.tickets.ticket_by_link(message.chat_id, message.reply_to_message_id)
            if ticket is not None:
                return ticket
        if message.thread_id is not None:
            return await work.tickets.ticket_by_thread(message.chat_id, message.thread_id)
        return None

    async def relay(self, message: IncomingMessage) -> AnswerOutcome:
        """Relay an official's answer. A reply to a bot message the outbox is still recording (an
        official who answers within a blink of the card) is looked up again once that chat settles."""
        outcome = await self._relay(message)
        if outcome.result is AnswerResult.NOT_A_TICKET and message.replies_to_bot:
            await self.core.outbox_settled(message.chat_id, SETTLE_WITHIN)
            outcome = await self._relay(message)
        return outcome

    async def _relay(self, message: IncomingMessage) -> AnswerOutcome:
        async with self.unit_of_work() as work:
            ticket = await self.ticket_of(work, message)
            if ticket is None or ticket.unit_id is None:
                return AnswerOutcome(AnswerResult.NOT_A_TICKET)
            if await work.tickets.message_seen(message.chat_id, message.message_id):
                return AnswerOutcome(AnswerResult.DUPLICATE, ticket.id)
            allowed = await work.org.can_act_on(message.author.id, ticket.unit_id, self.settings.admin_ids)
            if not allowed:
                await self._refuse(work, ticket, message)
                outcome = AnswerOutcome(AnswerResult.REFUSED, ticket.id)
            else:
                await self._send_answer(work, ticket, message)
                outcome = AnswerOutcome(AnswerResult.RELAYED, ticket.id)
        self.wake_outbox()
        return outcome

    async def _refuse(self, work: UnitOfWork, ticket: Ticket, message: IncomingMessage) -> None:
        await work.tickets.record(
            ticket.id, "answer_refused", message.author.id, message_id=message.message_id
        )
        text = render(
            self.settings.default_language,
            N_(
                "⛔ Not sent: only registered officials of the handling unit can answer reflection #{number}."
            ),
            number=ticket.id,
        )
        await work.outbox.enqueue(
            message.chat_id,
            "sendMessage",
            html_message(text, reply_to=message.message_id),
            ticket_id=ticket.id,
            in_ticket_thread=True,
        )

    async def _send_answer(self, work: UnitOfWork, ticket: Ticket, message: IncomingMessage) -> None:
        await keep_message(work, ticket.id, MessageRole.ANSWER, message)
        signing_unit = await work.org.unit_by_staff_chat(message.chat_id)
        unit_name = (
            signing_unit.name if signing_unit else await self.forwarding.unit_name(work, ticket.unit_id) or ""
        )
        await self._relay_to(work, ticket, message, unit_name)
        for merged in await work.tickets.merged_into(ticket.id):
            # Citizens whose ticket was merged into this one get the same answer (see bot.services.merging).
            await self._relay_to(work, merged, message, unit_name)
            await work.tickets.record(
                merged.id, "answer_relayed", message.author.id, main=ticket.id, message_id=message.message_id
            )
        first_answer = ticket.status in (TicketStatus.FORWARDED, TicketStatus.ASSIGNED)
        if first_answer:
            ticket.status = TicketStatus.ANSWERED
            ticket.answered_at = ticket.answered_at or utcnow()
        ticket.first_response_at = ticket.first_response_at or utcnow()
        await work.tickets.record(ticket.id, "answered", message.author.id, message_id=message.message_id)
        await self._confirm(work, ticket, message)
        if first_answer:  # later answers change nothing the card shows
            await self.forwarding.refresh_cards(work, ticket)

    async def _relay_to(
        self, work: UnitOfWork, ticket: Ticket, message: IncomingMessage, unit_name: str
    ) -> None:
        """The answer, in the citizen's language, where the citizen of ``ticket`` asked."""
        header = self.presenter.answer_header(ticket, ticket.language, unit_name)
        reply_to = ticket.source_message_id if ticket.source_kind == SourceKind.GROUP else None
        if message.kind == "text":
            body = render(ticket.language, "{text}", text=message.text or "")
            await self.forwarding.reply_to_citizen(
                work, ticket, reply_to, f"{header}\n\n{body}", LinkKind.ANSWER
            )
        else:
            await self.forwarding.reply_to_citizen(work, ticket, reply_to, header, LinkKind.ANSWER)
            payload: dict[str, object] = {"from_chat_id": message.chat_id, "message_id": message.message_id}
            if reply_to is not None:
                payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
            await work.outbox.enqueue(
                ticket.source_chat_id, "copyMessage", payload, ticket_id=ticket.id, link_kind=LinkKind.ANSWER
            )

    async def _confirm(self, work: UnitOfWork, ticket: Ticket, message: IncomingMessage) -> None:
        citizen = await work.citizens.get(ticket.citizen_id)
        locale = self.settings.default_language
        if citizen is not None and citizen.unreachable and ticket.source_kind == SourceKind.PRIVATE:
            text = render(
                locale,
                N_(
                    "⚠️ Saved, but the citizen has blocked the bot: the answer to #{number} cannot reach them."
                ),
                number=ticket.id,
            )
        else:
            text = render(locale, N_("✅ Sent to the citizen (reflection #{number})."), number=ticket.id)
        await work.outbox.enqueue(
            message.chat_id,
            "sendMessage",
            html_message(text, reply_to=message.message_id),
            ticket_id=ticket.id,
            link_kind=LinkKind.NOTICE,
            in_ticket_thread=True,
        )
