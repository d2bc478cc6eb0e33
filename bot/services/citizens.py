"""What a citizen can do besides writing: settings, their list, and correcting their own ticket's tags.

Every ticket action checks that the person is the ticket's author: callback data is never trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.i18n import N_, render
from bot.services.base import Core, ServiceBase, UnitOfWork
from bot.services.corrections import store_correction
from bot.services.forwarding import Forwarding
from bot.services.incoming import Person
from storage.models import Citizen, LinkKind, SourceKind, Ticket, utcnow


class Correction(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"
    NOT_ALLOWED = "not_allowed"
    INVALID = "invalid"


class CitizenService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def start(self, person: Person) -> Citizen:
        async with self.unit_of_work() as work:
            citizen = await work.citizens.upsert(person.id, person.display_name, person.username)
            if citizen.language is None:
                citizen.language = self.language_for(person.language_code)
            citizen.started_at = citizen.started_at or utcnow()
            return citizen

    async def get(self, user_id: int) -> Citizen | None:
        async with self.unit_of_work() as work:
            return await work.citizens.get(user_id)

    async def set_language(self, person: Person, language: str) -> Citizen:
        async with self.unit_of_work() as work:
            citizen = await work.citizens.upsert(person.id, person.display_name, person.username)
            citizen.language = self.language_for(language)
            return citizen

    async def set_anonymous(self, person: Person, anonymous: bool) -> Citizen:
        async with self.unit_of_work() as work:
            citizen = await work.citizens.upsert(person.id, person.display_name, person.username)
            citizen.anonymous = anonymous
            return citizen

    async def set_reachable(self, user_id: int, reachable: bool) -> None:
        async with self.unit_of_work() as work:
            await work.citizens.mark_unreachable(user_id, not reachable)

    async def tickets(self, user_id: int) -> Sequence[Ticket]:
        async with self.unit_of_work() as work:
            return await work.tickets.of_citizen(user_id)

    async def own_ticket(self, ticket_id: int, user_id: int) -> Ticket | None:
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get(ticket_id)
            return ticket if ticket is not None and ticket.citizen_id == user_id else None

    async def ticket_waiting_for_place(self, user_id: int, chat_id: int) -> Ticket | None:
        async with self.unit_of_work() as work:
            for ticket in await work.tickets.of_citizen(user_id, limit=5):
                if ticket.needs_locality and ticket.source_chat_id == chat_id:
                    return ticket
            return None

    async def set_topic(self, ticket_id: int, user_id: int, topic: str) -> Correction:
        if topic not in self.tagger.topics.codes:
            return Correction.INVALID
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get_for_update(ticket_id)
            if ticket is None or ticket.citizen_id != user_id:
                return Correction.NOT_ALLOWED
            if ticket.topic == topic:
                return Correction.UNCHANGED
            await self._store_correction(work, ticket, "topic", ticket.topic, topic, user_id)
            ticket.topic = topic
            ticket.needs_review = False
            await self._reroute_and_tell(work, ticket, user_id)
        self.wake_outbox()
        return Correction.DONE

    async def set_ward(self, ticket_id: int, user_id: int, ward_code: int) -> Correction:
        localities = self.tagger.localities
        if not localities.is_ward(ward_code):
            return Correction.INVALID
        async with self.unit_of_work() as work:
            ticket = await work.tickets.get_for_update(ticket_id)
            if ticket is None or ticket.citizen_id != user_id:
                return Correction.NOT_ALLOWED
            if ticket.ward_code == ward_code:
                return Correction.UNCHANGED
            old = str(ticket.ward_code) if ticket.ward_code is not None else None
            await self._store_correction(work, ticket, "ward", old, str(ward_code), user_id)
            ticket.ward_code = ward_code
            ticket.province_code = localities.province_of_ward(ward_code)
            ticket.candidate_wards = []
            ticket.locality_source = "citizen"
            citizen = await work.citizens.get(user_id)
            if citizen is not None and ticket.source_kind == SourceKind.PRIVATE:
                citizen.saved_ward_code = ward_code
            await self._reroute_and_tell(work, ticket, user_id)
        self.wake_outbox()
        return Correction.DONE

    async def _store_correction(
        self, work: UnitOfWork, ticket: Ticket, field: str, old: str | None, new: str, user_id: int
    ) -> None:
        await store_correction(work, ticket, field, old, new, user_id)

    async def _reroute_and_tell(self, work: UnitOfWork, ticket: Ticket, user_id: int) -> None:
        routed = await self.forwarding.route(work, ticket, actor_id=user_id)
        if not routed:
            ticket.needs_locality = ticket.ward_code is None
        unit_name = await self.forwarding.unit_name(work, ticket.unit_id)
        text = self.presenter.acknowledgement(ticket, ticket.language, unit_name)
        if not routed:
            text += "\n\n" + render(
                ticket.language,
                N_(
                    "No unit handles this place and topic yet; the administrators can see your reflection and will send it on."
                ),
            )
        await self.forwarding.reply_to_citizen(work, ticket, ticket.source_message_id, text, LinkKind.ACK)
