"""Intake: a citizen's message becomes (part of) a ticket, is tagged, routed and sent on to the unit.

Everything the bot must send because of it (acknowledgement, card, copies) goes to the outbox in the
same transaction as the change, so a crash never leaves a ticket without its messages or vice versa.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.i18n import N_, render
from bot.services.base import Core, ServiceBase, UnitOfWork, keep_message
from bot.services.forwarding import Forwarding
from bot.services.incoming import ChatKind, IncomingMessage
from bot.services.merging import duplicate_candidates
from bot.tagging import TagContext, Tags
from storage.models import (
    Citizen,
    LinkKind,
    MessageRole,
    SourceKind,
    Ticket,
    TicketStatus,
)

FOLLOW_UP_WINDOW = timedelta(minutes=10)


class IntakeResult(StrEnum):
    CREATED = "created"
    JOINED = "joined"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class IntakeOutcome:
    result: IntakeResult
    ticket_id: int | None = None
    needs_locality: bool = False


class IntakeService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def receive(self, incoming: IncomingMessage) -> IntakeOutcome:
        async with self.unit_of_work() as work:
            if await work.tickets.message_seen(incoming.chat_id, incoming.message_id):
                return IntakeOutcome(IntakeResult.DUPLICATE)
            citizen = await work.citizens.upsert(
                incoming.author.id, incoming.author.display_name, incoming.author.username
            )
            if citizen.language is None:
                citizen.language = self.language_for(incoming.author.language_code)
            ticket = await self._ticket_to_join(work, incoming)
            if ticket is not None:
                await self._join(work, ticket, citizen, incoming)
                outcome = IntakeOutcome(IntakeResult.JOINED, ticket.id, ticket.needs_locality)
            else:
                ticket = await self._open(work, citizen, incoming)
                outcome = IntakeOutcome(IntakeResult.CREATED, ticket.id, ticket.needs_locality)
        self.wake_outbox()
        return outcome

    async def _ticket_to_join(self, work: UnitOfWork, incoming: IncomingMessage) -> Ticket | None:
        if incoming.media_group_id:
            album = await work.tickets.ticket_with_media_group(incoming.chat_id, incoming.media_group_id)
            if album is not None:
                return album
        if incoming.reply_to_message_id is not None:
            replied = await work.tickets.ticket_by_link(incoming.chat_id, incoming.reply_to_message_id)
            if replied is not None and replied.citizen_id == incoming.author.id:
                return replied
        if incoming.force_new:
            return None
        since = incoming.sent_at - FOLLOW_UP_WINDOW
        return await work.tickets.latest_open_since(incoming.author.id, incoming.chat_id, since)

    async def _store_message(self, work: UnitOfWork, ticket: Ticket, incoming: IncomingMessage) -> None:
        await keep_message(work, ticket.id, MessageRole.CITIZEN, incoming)
        await work.tickets.touch(ticket, incoming.sent_at)

    async def _open(self, work: UnitOfWork, citizen: Citizen, incoming: IncomingMessage) -> Ticket:
        group = await work.org.group(incoming.chat_id) if incoming.chat_kind is ChatKind.GROUP else None
        context_ward = group.ward_code if group is not None else citizen.saved_ward_code
        tags = self.tagger.tag(incoming.text or "", self.context_for(context_ward))
        ticket = await work.tickets.add(self._new_ticket(citizen, incoming, tags))
        ticket.context_ward_code = context_ward
        await self._store_message(work, ticket, incoming)
        await work.tickets.record(
            ticket.id, "created", incoming.author.id, topic=ticket.topic, ward=ticket.ward_code
        )
        if ticket.ward_code is not None:
            duplicates = await duplicate_candidates(work, ticket, incoming.text)
            if duplicates:
                await work.tickets.record(ticket.id, "possible_duplicates", None, of=duplicates)
            await self.forwarding.route(work, ticket, actor_id=None)
        else:
            ticket.needs_locality = True
        unbound_group = incoming.chat_kind is ChatKind.GROUP and (group is None or group.ward_code is None)
        await self.forwarding.acknowledge(work, ticket, citizen, unbound_group=unbound_group)
        return ticket

    def context_for(self, ward_code: int | None) -> TagContext:
        if ward_code is None:
            return TagContext()
        return TagContext(
            province_code=self.tagger.localities.province_of_ward(ward_code), ward_code=ward_code
        )

    def _new_ticket(self, citizen: Citizen, incoming: IncomingMessage, tags: Tags) -> Ticket:
        wards = tags.locality.ward_codes
        return Ticket(
            citizen_id=citizen.user_id,
            source_kind=SourceKind.GROUP if incoming.chat_kind is ChatKind.GROUP else SourceKind.PRIVATE,
            source_chat_id=incoming.chat_id,
            source_message_id=incoming.message_id,
            source_title=incoming.chat_title,
            language=citizen.language or self.settings.default_language,
            status=TicketStatus.NEW,
            topic=tags.topic,
            topic_confidence=tags.topic_confidence,
            needs_review=tags.needs_review,
            urgent=tags.urgent,
            province_code=tags.locality.province_code,
            ward_code=wards[0] if len(wards) == 1 else None,
            candidate_wards=list(wards) if len(wards) > 1 else [],
            mention=tags.locality.mention,
            sub_locality=tags.locality.sub_locality,
            locality_source=tags.locality.source,
            created_at=incoming.sent_at,
            last_message_at=incoming.sent_at,
        )

    async def _join(
        self, work: UnitOfWork, ticket: Ticket, citizen: Citizen, incoming: IncomingMessage
    ) -> None:
        album_continues = (
            bool(incoming.media_group_id)
            and (await work.tickets.ticket_with_media_group(incoming.chat_id, incoming.media_group_id or ""))
            is not None
        )
        await self._store_message(work, ticket, incoming)
        await work.tickets.record(
            ticket.id, "message_added", incoming.author.id, message_id=incoming.message_id
        )
        if ticket.unit_id is not None:
            await self.forwarding.copy_follow_up(work, ticket, incoming, with_header=not album_continues)
        if not album_continues:
            text = render(ticket.language, N_("➕ Added to reflection #{number}."), number=ticket.id)
            await self.forwarding.reply_to_citizen(work, ticket, incoming.message_id, text, LinkKind.ACK)
