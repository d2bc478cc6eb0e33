"""Routing a ticket to its unit and the messages that go with it: card, copies, acknowledgements."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import N_, render
from bot.keyboards import as_payload, card_keyboard, choices_keyboard, correction_keyboard
from bot.routing import choose_route
from bot.services.base import ServiceBase, UnitOfWork
from bot.services.incoming import IncomingMessage
from bot.services.merging import card_lines
from bot.workflow.sla import SlaError, parse_unit_overrides
from storage.models import Citizen, LinkKind, MessageRole, Ticket, TicketStatus, Unit

log = logging.getLogger(__name__)

MAX_PLACE_CHOICES = 6
MOVED_CARD = N_("↪️ <b>Moved to {unit}.</b>")


def html_message(
    text: str, markup: InlineKeyboardMarkup | None = None, reply_to: int | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if reply_to is not None:
        payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    if markup is not None:
        payload["reply_markup"] = as_payload(markup)
    return payload


class Forwarding(ServiceBase):
    async def route(self, work: UnitOfWork, ticket: Ticket, actor_id: int | None) -> bool:
        """Pick the unit by the routing rules and forward; False (ticket left unrouted) when no rule fits.
        When the unit stays the same, its cards are brought up to date (a new topic or place)."""
        route = choose_route(await work.org.rules(), ticket.ward_code, ticket.province_code, ticket.topic)
        if route is None:
            ticket.unit_id = None
            await work.tickets.record(
                ticket.id, "unrouted", actor_id, ward=ticket.ward_code, topic=ticket.topic
            )
            return False
        if route.unit_id != ticket.unit_id:
            await self.forward_to(work, ticket, route.unit_id, actor_id)
        else:
            await self.refresh_cards(work, ticket)
        return True

    async def forward_to(self, work: UnitOfWork, ticket: Ticket, unit_id: str, actor_id: int | None) -> None:
        """Hand the ticket to ``unit_id``: a new card (and the citizen's messages) in its staff chat; the
        cards left in the previous unit's chat say where it went."""
        previous = ticket.unit_id
        ticket.unit_id = unit_id
        ticket.needs_locality = False
        if ticket.status == TicketStatus.NEW:
            ticket.status = TicketStatus.FORWARDED
            ticket.forwarded_at = self.core.clock()
        if ticket.answer_due is None and ticket.forwarded_at is not None:
            # Deadlines run from the first forwarding; moving the ticket later does not restart them.
            await self.set_deadlines(work, ticket, ticket.forwarded_at)
        await work.tickets.record(ticket.id, "forwarded", actor_id, unit=unit_id, previous_unit=previous)
        chat_id = await self.staff_chat_of(work, unit_id)
        if previous is not None:
            await self._leave_previous_unit(work, ticket, previous, unit_id, chat_id)
        if chat_id is not None:
            await self.send_card(work, ticket, chat_id)

    async def set_deadlines(self, work: UnitOfWork, ticket: Ticket, start: datetime) -> None:
        """First-response and answer deadlines in working time from ``start``, with the handling unit's
        per-topic overrides."""
        unit = await work.org.unit(ticket.unit_id) if ticket.unit_id else None
        try:
            overrides = parse_unit_overrides(unit.sla) if unit is not None and unit.sla else None
        except SlaError:
            log.warning("unit %s: bad sla overrides in the database, taxonomy defaults used", ticket.unit_id)
            overrides = None
        due = self.core.sla_policy.due(ticket.topic, ticket.urgent, overrides, start)
        ticket.first_response_due, ticket.answer_due = due.first_response_due, due.answer_due

    async def staff_chat_of(self, work: UnitOfWork, unit_id: str) -> int | None:
        """The unit's staff chat, or its nearest ancestor's when it has none yet."""
        for unit in await work.org.ancestors(unit_id):
            if unit.staff_chat_id is not None:
                return unit.staff_chat_id
        return None

    async def _leave_previous_unit(
        self, work: UnitOfWork, ticket: Ticket, previous: str, unit_id: str, new_chat: int | None
    ) -> None:
        """The previous chat's cards become "moved" cards without buttons, and (when the ticket leaves the
        chat for ``new_chat``) a notice says where it went."""
        chat_id = await self.staff_chat_of(work, previous)
        if chat_id is None:
            return
        locale = self.settings.default_language
        unit_name = await self.unit_name(work, unit_id) or unit_id
        cards = await work.tickets.retire_cards(ticket.id, chat_id)
        if cards:
            text, _ = await self._card(work, ticket)
            text += "\n\n" + render(locale, MOVED_CARD, unit=unit_name)
            for message_id in cards:
                await self._edit(work, ticket, chat_id, message_id, text, None)
        if chat_id != new_chat:
            notice = render(
                locale, N_("↪️ Reflection #{number} moved to {unit}."), number=ticket.id, unit=unit_name
            )
            await self.to_staff(work, ticket, chat_id, "sendMessage", html_message(notice), LinkKind.NOTICE)

    async def send_card(self, work: UnitOfWork, ticket: Ticket, chat_id: int) -> None:
        """A new live card in ``chat_id``, followed by copies of the citizen's messages."""
        card, markup = await self._card(work, ticket)
        await self.to_staff(work, ticket, chat_id, "sendMessage", html_message(card, markup), LinkKind.CARD)
        for message in await work.tickets.messages(ticket.id, MessageRole.CITIZEN):
            payload = {"from_chat_id": message.chat_id, "message_id": message.message_id}
            await self.to_staff(work, ticket, chat_id, "copyMessage", payload, LinkKind.COPY)

    async def refresh_cards(self, work: UnitOfWork, ticket: Ticket) -> None:
        """Every live card of the ticket, in every staff chat, shows it as it is now: status, who handles
        it, the "me too" count, and only the buttons its state still allows. Called after every change."""
        cards = await work.tickets.live_cards(ticket.id)
        if not cards:
            return
        text, markup = await self._card(work, ticket)
        for chat_id, message_id in cards:
            await self._edit(work, ticket, chat_id, message_id, text, markup)

    async def _card(self, work: UnitOfWork, ticket: Ticket) -> tuple[str, InlineKeyboardMarkup | None]:
        citizen = await work.citizens.get(ticket.citizen_id)
        assert citizen is not None
        locale = self.settings.default_language
        lines, duplicates = await card_lines(work, ticket, locale)
        text = self.presenter.card(ticket, citizen, locale) + lines
        return text, card_keyboard(ticket, locale, duplicates)

    async def _edit(
        self,
        work: UnitOfWork,
        ticket: Ticket,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
    ) -> None:
        """Edit one card; without ``markup`` its buttons go."""
        payload = html_message(text, markup) | {"message_id": message_id}
        await work.outbox.enqueue(chat_id, "editMessageText", payload, ticket_id=ticket.id)

    async def to_staff(
        self,
        work: UnitOfWork,
        ticket: Ticket,
        chat_id: int,
        method: str,
        payload: dict[str, Any],
        kind: LinkKind,
    ) -> None:
        await work.outbox.enqueue(
            chat_id,
            method,
            payload,
            ticket_id=ticket.id,
            link_kind=kind,
            in_ticket_thread=True,
            topic_name=self.presenter.forum_topic_name(ticket, self.settings.default_language),
        )

    async def notify_staff(
        self, work: UnitOfWork, ticket: Ticket, text: str, reply_to: int | None = None
    ) -> None:
        """A short notice in the ticket's place in its staff chat."""
        if ticket.unit_id is None:
            return
        chat_id = await self.staff_chat_of(work, ticket.unit_id)
        if chat_id is not None:
            await self.to_staff(
                work, ticket, chat_id, "sendMessage", html_message(text, None, reply_to), LinkKind.NOTICE
            )

    async def copy_follow_up(
        self, work: UnitOfWork, ticket: Ticket, incoming: IncomingMessage, with_header: bool
    ) -> None:
        assert ticket.unit_id is not None
        chat_id = await self.staff_chat_of(work, ticket.unit_id)
        if chat_id is None:
            return
        if with_header:
            text = render(
                self.settings.default_language,
                N_("➕ More from the citizen on reflection #{number}:"),
                number=ticket.id,
            )
            await self.to_staff(work, ticket, chat_id, "sendMessage", html_message(text), LinkKind.NOTICE)
        payload = {"from_chat_id": incoming.chat_id, "message_id": incoming.message_id}
        await self.to_staff(work, ticket, chat_id, "copyMessage", payload, LinkKind.COPY)

    async def reply_to_citizen(
        self,
        work: UnitOfWork,
        ticket: Ticket,
        reply_to: int | None,
        text: str,
        kind: LinkKind,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        await work.outbox.enqueue(
            ticket.source_chat_id,
            "sendMessage",
            html_message(text, markup, reply_to),
            ticket_id=ticket.id,
            link_kind=kind,
        )

    async def acknowledge(
        self, work: UnitOfWork, ticket: Ticket, citizen: Citizen, unbound_group: bool
    ) -> None:
        """The first answer a citizen gets: number, topic, place and unit — or what is still missing."""
        locale = ticket.language
        unit = await work.org.unit(ticket.unit_id) if ticket.unit_id else None
        text = self.presenter.acknowledgement(ticket, locale, unit.name if unit else None)
        markup: InlineKeyboardMarkup | None = correction_keyboard(ticket.id, locale)
        if ticket.needs_locality and unbound_group:
            text += "\n\n" + render(
                locale,
                N_(
                    "This group is not linked to a commune or ward yet: a group admin must send /bind followed by the commune's name. Your reflection is saved and will be sent on as soon as that is done."
                ),
            )
            markup = None
        elif ticket.needs_locality:
            text += "\n\n" + render(
                locale,
                N_(
                    "📍 Which commune or ward is this about? Pick one below, or type its name (old names are fine)."
                ),
            )
            markup = await self.place_choices(work, ticket, citizen)
        elif unit is None:
            text += "\n\n" + render(
                locale,
                N_(
                    "No unit handles this place and topic yet; the administrators can see your reflection and will send it on."
                ),
            )
        await self.reply_to_citizen(work, ticket, ticket.source_message_id, text, LinkKind.ACK, markup)

    async def place_choices(
        self, work: UnitOfWork, ticket: Ticket, citizen: Citizen
    ) -> InlineKeyboardMarkup | None:
        wards = list(ticket.candidate_wards)
        if citizen.saved_ward_code is not None and citizen.saved_ward_code not in wards:
            wards.insert(0, citizen.saved_ward_code)
        choices = [(str(code), self.tagger.localities.ward_label(code)) for code in wards[:MAX_PLACE_CHOICES]]
        return choices_keyboard(ticket.id, "ward", choices) if choices else None

    async def unit_name(self, work: UnitOfWork, unit_id: str | None) -> str | None:
        unit: Unit | None = await work.org.unit(unit_id) if unit_id else None
        return unit.name if unit else None
