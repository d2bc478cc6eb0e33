"""Organisation management from Telegram: admins bind groups and staff chats, define units and routes,
and invite officials. Every action checks the person's rights first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.routing import ANY
from bot.services.base import Core, ServiceBase, UnitOfWork
from bot.services.forwarding import Forwarding
from storage.models import Ticket, Unit, utcnow

INVITE_TTL = timedelta(days=7)


class OrgResult(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class BindOutcome:
    result: OrgResult
    ward_code: int | None = None
    routed_tickets: int = 0


class OrgService(ServiceBase):
    def __init__(self, core: Core, forwarding: Forwarding) -> None:
        super().__init__(core)
        self.forwarding = forwarding

    async def is_admin(self, user_id: int) -> bool:
        if self.core.is_extra_admin(user_id):
            return True
        async with self.unit_of_work() as work:
            return await work.org.is_admin(user_id)

    async def is_staff_chat(self, chat_id: int) -> bool:
        async with self.unit_of_work() as work:
            return await work.org.unit_by_staff_chat(chat_id) is not None

    async def bind_group(self, user_id: int, chat_id: int, title: str, ward_code: int) -> BindOutcome:
        """Bind a community group to a ward, then route the tickets that were waiting in it."""
        if not await self.is_admin(user_id):
            return BindOutcome(OrgResult.NOT_ALLOWED)
        if not self.tagger.localities.is_ward(ward_code):
            return BindOutcome(OrgResult.INVALID)
        routed = 0
        async with self.unit_of_work() as work:
            if await work.org.unit_by_staff_chat(chat_id) is not None:
                return BindOutcome(OrgResult.CONFLICT)
            await work.org.bind_group(chat_id, ward_code, title)
            for ticket in await work.tickets.unrouted_from_chat(chat_id):
                routed += await self._route_waiting(work, ticket, ward_code, user_id)
        self.wake_outbox()
        return BindOutcome(OrgResult.DONE, ward_code, routed)

    async def _route_waiting(self, work: UnitOfWork, ticket: Ticket, ward_code: int, user_id: int) -> int:
        if ticket.ward_code is None:
            ticket.ward_code = ward_code
            ticket.province_code = self.tagger.localities.province_of_ward(ward_code)
            ticket.locality_source = "context"
        if not await self.forwarding.route(work, ticket, actor_id=user_id):
            return 0
        citizen = await work.citizens.get(ticket.citizen_id)
        assert citizen is not None
        await self.forwarding.acknowledge(work, ticket, citizen, unbound_group=False)
        return 1

    async def bind_staff_chat(self, user_id: int, chat_id: int, unit_id: str) -> OrgResult:
        if not await self.is_admin(user_id):
            return OrgResult.NOT_ALLOWED
        async with self.unit_of_work() as work:
            if await work.org.unit(unit_id) is None:
                return OrgResult.NOT_FOUND
            if await work.org.group(chat_id) is not None:
                return OrgResult.CONFLICT
            holder = await work.org.unit_by_staff_chat(chat_id)
            if holder is not None and holder.id != unit_id:
                return OrgResult.CONFLICT
            await work.org.set_staff_chat(unit_id, chat_id)
        return OrgResult.DONE

    async def define_unit(
        self, user_id: int, unit_id: str, name: str, locality_code: int, parent_id: str | None
    ) -> OrgResult:
        if not await self.is_admin(user_id):
            return OrgResult.NOT_ALLOWED
        localities = self.tagger.localities
        if not (localities.is_ward(locality_code) or localities.is_province(locality_code)):
            return OrgResult.INVALID
        async with self.unit_of_work() as work:
            if parent_id is not None:
                if await work.org.unit(parent_id) is None:
                    return OrgResult.NOT_FOUND
                if unit_id in {unit.id for unit in await work.org.ancestors(parent_id)}:
                    return OrgResult.CONFLICT
            await work.org.upsert_unit(unit_id, name, locality_code, parent_id)
        return OrgResult.DONE

    async def define_route(self, user_id: int, locality: str, topic: str, unit_id: str) -> OrgResult:
        if not await self.is_admin(user_id):
            return OrgResult.NOT_ALLOWED
        localities = self.tagger.localities
        if locality != ANY and not (
            locality.isdigit()
            and (localities.is_ward(int(locality)) or localities.is_province(int(locality)))
        ):
            return OrgResult.INVALID
        if topic != ANY and topic not in self.tagger.topics.codes:
            return OrgResult.INVALID
        async with self.unit_of_work() as work:
            if await work.org.unit(unit_id) is None:
                return OrgResult.NOT_FOUND
            await work.org.upsert_rule(str(int(locality)) if locality != ANY else ANY, topic, unit_id)
        return OrgResult.DONE

    async def invite(self, user_id: int, unit_id: str) -> str | None:
        """A one-time code for a cadre of the unit; None when the person may not invite or the unit is unknown."""
        if not await self.is_admin(user_id):
            return None
        async with self.unit_of_work() as work:
            if await work.org.unit(unit_id) is None:
                return None
            return await work.org.create_invite(unit_id, user_id, INVITE_TTL)

    async def join(self, user_id: int, code: str) -> Unit | None:
        async with self.unit_of_work() as work:
            return await work.org.redeem_invite(code.strip(), user_id, utcnow())

    async def unrouted(self, user_id: int) -> Sequence[Ticket] | None:
        if not await self.is_admin(user_id):
            return None
        async with self.unit_of_work() as work:
            return await work.tickets.unrouted()
