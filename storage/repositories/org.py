"""The organisation in the database: units, officials, admins, routing rules, groups and invite codes."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.org.spec import GroupSpec, ImportSummary, KnownOrg, OrgSpec, RouteSpec, UnitSpec
from storage.models import Admin, CommunityGroup, InviteCode, Official, RoutingRule, Unit, UnitAdmin, utcnow

# No 0/O, 1/I/L: codes are read aloud and typed by hand. 31**8 ≈ 8.5e11 codes.
INVITE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVITE_LENGTH = 8


class OrgError(ValueError):
    """A change that would break the organisation (unknown unit, a cycle of parents)."""


class OrgRepository:
    """Reads and changes the organisation inside the caller's session (and its transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Units

    async def unit(self, unit_id: str) -> Unit | None:
        return await self.session.get(Unit, unit_id)

    async def units(self) -> list[Unit]:
        return list(await self.session.scalars(select(Unit).order_by(Unit.id)))

    async def ancestors(self, unit_id: str) -> list[Unit]:
        """The unit itself, then its parent, and so on up to the root; empty for an unknown unit."""
        chain: list[Unit] = []
        current = await self.unit(unit_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = None if current.parent_id is None else await self.unit(current.parent_id)
        return chain

    async def children(self, unit_id: str) -> list[Unit]:
        query = select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.id)
        return list(await self.session.scalars(query))

    async def neighbours(self, unit_id: str) -> list[Unit]:
        """Where a unit's ticket can be passed on: its parent, then its siblings, then its children."""
        unit = await self.unit(unit_id)
        if unit is None:
            return []
        parent = await self.unit(unit.parent_id) if unit.parent_id is not None else None
        siblings = [] if parent is None else await self.children(parent.id)
        found = ([parent] if parent else []) + siblings + await self.children(unit_id)
        return [other for other in found if other.id != unit_id]

    async def unit_by_staff_chat(self, chat_id: int) -> Unit | None:
        result: Unit | None = await self.session.scalar(select(Unit).where(Unit.staff_chat_id == chat_id))
        return result

    async def upsert_unit(self, unit_id: str, name: str, locality_code: int, parent_id: str | None) -> Unit:
        """Creates or updates a unit; raises ``OrgError`` for an unknown parent or a cycle of parents."""
        if parent_id is not None:
            chain = await self.ancestors(parent_id)
            if not chain:
                raise OrgError(f'parent "{parent_id}" is not defined')
            if any(ancestor.id == unit_id for ancestor in chain):
                raise OrgError(f'unit "{unit_id}" cannot have its own descendant "{parent_id}" as parent')
        unit = await self.unit(unit_id)
        if unit is None:
            unit = Unit(id=unit_id, name=name, locality_code=locality_code, parent_id=parent_id)
            self.session.add(unit)
        else:
            unit.name, unit.locality_code, unit.parent_id = name, locality_code, parent_id
        await self.session.flush()
        return unit

    async def set_staff_chat(self, unit_id: str, chat_id: int | None) -> Unit | None:
        """Makes ``chat_id`` the unit's staff chat, taking it from any other unit; None if no such unit."""
        unit = await self.unit(unit_id)
        if unit is None:
            return None
        if chat_id is not None:
            await self.session.execute(
                update(Unit)
                .where(Unit.staff_chat_id == chat_id, Unit.id != unit_id)
                .values(staff_chat_id=None)
            )
        unit.staff_chat_id = chat_id
        await self.session.flush()
        return unit

    # People

    async def officials(self, unit_id: str) -> set[int]:
        return set(await self.session.scalars(select(Official.user_id).where(Official.unit_id == unit_id)))

    async def add_official(self, user_id: int, unit_id: str) -> bool:
        """True if the user was not yet an official of the unit."""
        if await self.session.get(Official, (user_id, unit_id)) is not None:
            return False
        self.session.add(Official(user_id=user_id, unit_id=unit_id))
        await self.session.flush()
        return True

    async def official_unit_ids(self, user_id: int) -> set[str]:
        return set(await self.session.scalars(select(Official.unit_id).where(Official.user_id == user_id)))

    async def unit_admins(self, unit_id: str) -> set[int]:
        """The admins of this one unit (not of the units above it)."""
        return set(await self.session.scalars(select(UnitAdmin.user_id).where(UnitAdmin.unit_id == unit_id)))

    async def admin_ids(self) -> set[int]:
        return set(await self.session.scalars(select(Admin.user_id)))

    async def is_admin(self, user_id: int) -> bool:
        """Stored admins only; ``ADMIN_IDS`` is the caller's to add (see ``can_act_on``)."""
        return await self.session.get(Admin, user_id) is not None

    async def can_act_on(
        self, user_id: int, unit_id: str, extra_admin_ids: frozenset[int] = frozenset()
    ) -> bool:
        """Admins (stored or extra) and officials of the unit or of any unit above it."""
        if user_id in extra_admin_ids or await self.is_admin(user_id):
            return True
        own = await self.official_unit_ids(user_id)
        return bool(own) and any(unit.id in own for unit in await self.ancestors(unit_id))

    # Routing rules and groups

    async def rules(self) -> list[RoutingRule]:
        return list(await self.session.scalars(select(RoutingRule).order_by(RoutingRule.id)))

    async def upsert_rule(self, locality: str, topic: str, unit_id: str) -> RoutingRule:
        rule = await self.session.scalar(
            select(RoutingRule).where(RoutingRule.locality == locality, RoutingRule.topic == topic)
        )
        if rule is None:
            rule = RoutingRule(locality=locality, topic=topic, unit_id=unit_id)
            self.session.add(rule)
        else:
            rule.unit_id = unit_id
        await self.session.flush()
        return rule

    async def group(self, chat_id: int) -> CommunityGroup | None:
        return await self.session.get(CommunityGroup, chat_id)

    async def bind_group(self, chat_id: int, ward_code: int | None, title: str) -> CommunityGroup:
        group = await self.group(chat_id)
        if group is None:
            group = CommunityGroup(chat_id=chat_id, ward_code=ward_code, title=title)
            self.session.add(group)
        else:
            group.ward_code, group.title = ward_code, title
        await self.session.flush()
        return group

    # Invites

    async def create_invite(
        self, unit_id: str, created_by: int, ttl: timedelta, now: datetime | None = None
    ) -> str:
        """A fresh one-time code that binds whoever redeems it before ``now + ttl`` to the unit."""
        while True:
            code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
            if await self.session.get(InviteCode, code) is None:
                break
        expires_at = (now or utcnow()) + ttl
        self.session.add(InviteCode(code=code, unit_id=unit_id, created_by=created_by, expires_at=expires_at))
        await self.session.flush()
        return code

    async def redeem_invite(self, code: str, user_id: int, now: datetime | None = None) -> Unit | None:
        """Marks the code used and makes the user an official; None for an unknown, used or expired code.

        A single conditional UPDATE, so two people racing for one code cannot both win.
        """
        now = now or utcnow()
        unit_id = await self.session.scalar(
            update(InviteCode)
            .where(
                InviteCode.code == code.strip().upper(),
                InviteCode.used_by.is_(None),
                InviteCode.expires_at > now,
            )
            .values(used_by=user_id, used_at=now)
            .returning(InviteCode.unit_id)
            .execution_options(synchronize_session=False)
        )
        if unit_id is None:
            return None
        await self.add_official(user_id, unit_id)
        return await self.unit(unit_id)

    # The organisation file

    async def known(self) -> KnownOrg:
        """What an organisation file is validated against."""
        units = await self.units()
        groups = await self.session.scalars(select(CommunityGroup.chat_id))
        return KnownOrg(
            parents={unit.id: unit.parent_id for unit in units},
            staff_chats={unit.staff_chat_id: unit.id for unit in units if unit.staff_chat_id is not None},
            group_chats=frozenset(groups),
        )

    async def apply(self, spec: OrgSpec) -> ImportSummary:
        """Upserts a validated spec (see ``bot.org.parse``); what the file does not mention is left alone."""
        summary = ImportSummary()
        if spec.admins is not None:
            await self._apply_admins(spec.admins, summary)
        await self._apply_units(spec.units, summary)
        for unit in spec.units:
            if unit.officials is not None:
                await self._apply_officials(unit.id, unit.officials, summary)
            if unit.admins is not None:
                await self._apply_unit_admins(unit.id, unit.admins, summary)
        for route in spec.routes:
            await self._apply_route(route, summary)
        for group in spec.groups:
            await self._apply_group(group, summary)
        await self.session.flush()
        return summary

    async def _apply_admins(self, admins: Iterable[int], summary: ImportSummary) -> None:
        wanted, current = set(admins), await self.admin_ids()
        self.session.add_all(Admin(user_id=user_id) for user_id in sorted(wanted - current))
        if current - wanted:
            await self.session.execute(delete(Admin).where(Admin.user_id.in_(current - wanted)))
        summary.admins_added += len(wanted - current)
        summary.admins_removed += len(current - wanted)

    async def _apply_units(self, units: tuple[UnitSpec, ...], summary: ImportSummary) -> None:
        """New units are inserted bare first, and staff chats freed before they are given, so that every
        intermediate state satisfies the foreign key and the unique staff chat."""
        existing = {unit.id: unit for unit in await self.units()}
        for spec in units:
            if spec.id not in existing:
                existing[spec.id] = Unit(id=spec.id, name=spec.name, locality_code=spec.locality)
                self.session.add(existing[spec.id])
                summary.units_created += 1
            elif _differs(existing[spec.id], spec):
                summary.units_updated += 1
            else:
                summary.units_unchanged += 1
        await self.session.flush()
        moving = [spec for spec in units if spec.staff_chat not in (None, existing[spec.id].staff_chat_id)]
        for spec in moving:
            existing[spec.id].staff_chat_id = None
        await self.session.flush()
        for spec in units:
            unit = existing[spec.id]
            unit.name, unit.locality_code, unit.parent_id = spec.name, spec.locality, spec.parent
            if spec.staff_chat is not None:
                unit.staff_chat_id = spec.staff_chat
            if spec.sla is not None:
                unit.sla = dict(spec.sla)
        await self.session.flush()

    async def _apply_officials(
        self, unit_id: str, officials: tuple[int, ...], summary: ImportSummary
    ) -> None:
        wanted, current = set(officials), await self.officials(unit_id)
        self.session.add_all(
            Official(user_id=user_id, unit_id=unit_id) for user_id in sorted(wanted - current)
        )
        if current - wanted:
            await self.session.execute(
                delete(Official).where(Official.unit_id == unit_id, Official.user_id.in_(current - wanted))
            )
        summary.officials_added += len(wanted - current)
        summary.officials_removed += len(current - wanted)

    async def _apply_unit_admins(self, unit_id: str, admins: tuple[int, ...], summary: ImportSummary) -> None:
        wanted, current = set(admins), await self.unit_admins(unit_id)
        self.session.add_all(
            UnitAdmin(user_id=user_id, unit_id=unit_id) for user_id in sorted(wanted - current)
        )
        if current - wanted:
            await self.session.execute(
                delete(UnitAdmin).where(UnitAdmin.unit_id == unit_id, UnitAdmin.user_id.in_(current - wanted))
            )
        summary.unit_admins_added += len(wanted - current)
        summary.unit_admins_removed += len(current - wanted)

    async def _apply_route(self, route: RouteSpec, summary: ImportSummary) -> None:
        rule = await self.session.scalar(
            select(RoutingRule).where(
                RoutingRule.locality == route.locality, RoutingRule.topic == route.topic
            )
        )
        if rule is None:
            self.session.add(RoutingRule(locality=route.locality, topic=route.topic, unit_id=route.unit))
            summary.routes_created += 1
        elif rule.unit_id != route.unit:
            rule.unit_id = route.unit
            summary.routes_updated += 1
        await self.session.flush()

    async def _apply_group(self, spec: GroupSpec, summary: ImportSummary) -> None:
        group = await self.group(spec.chat)
        if group is None:
            self.session.add(
                CommunityGroup(chat_id=spec.chat, ward_code=spec.locality, title=spec.title or "")
            )
            summary.groups_created += 1
            return
        title = group.title if spec.title is None else spec.title
        if (group.ward_code, group.title) != (spec.locality, title):
            group.ward_code, group.title = spec.locality, title
            summary.groups_updated += 1

    async def export(self) -> OrgSpec:
        """The organisation as a spec: units parents first, routes in creation order, groups by chat.

        Groups bound to no ward are left out: the file format needs a ward for each group.
        """
        units = await self.units()
        officials: dict[str, list[int]] = {unit.id: [] for unit in units}
        for official in await self.session.scalars(select(Official).order_by(Official.user_id)):
            officials[official.unit_id].append(official.user_id)
        unit_admins: dict[str, list[int]] = {}
        for admin in await self.session.scalars(select(UnitAdmin).order_by(UnitAdmin.user_id)):
            unit_admins.setdefault(admin.unit_id, []).append(admin.user_id)
        groups = await self.session.scalars(select(CommunityGroup).order_by(CommunityGroup.chat_id))
        return OrgSpec(
            admins=tuple(sorted(await self.admin_ids())),
            units=tuple(
                UnitSpec(
                    id=unit.id,
                    name=unit.name,
                    locality=unit.locality_code,
                    parent=unit.parent_id,
                    staff_chat=unit.staff_chat_id,
                    officials=tuple(officials[unit.id]),
                    sla=tuple(sorted((str(k), str(v)) for k, v in unit.sla.items())) if unit.sla else None,
                    admins=tuple(unit_admins[unit.id]) if unit.id in unit_admins else None,
                )
                for unit in _parents_first(units)
            ),
            routes=tuple(RouteSpec(rule.locality, rule.topic, rule.unit_id) for rule in await self.rules()),
            groups=tuple(
                GroupSpec(group.chat_id, group.ward_code, group.title or None)
                for group in groups
                if group.ward_code is not None
            ),
        )


def _differs(unit: Unit, spec: UnitSpec) -> bool:
    if (unit.name, unit.locality_code, unit.parent_id) != (spec.name, spec.locality, spec.parent):
        return True
    if spec.sla is not None and dict(spec.sla) != (unit.sla or {}):
        return True
    return spec.staff_chat is not None and spec.staff_chat != unit.staff_chat_id


def _parents_first(units: list[Unit]) -> list[Unit]:
    """Depth first from the roots, children by id; units caught in a cycle come last."""
    children: dict[str | None, list[Unit]] = {}
    ids = {unit.id for unit in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[Unit] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.id, [])))
    seen = {unit.id for unit in ordered}
    return ordered + [unit for unit in units if unit.id not in seen]
