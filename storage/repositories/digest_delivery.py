"""Who gets the weekly digest, and the once-only record of each one sent.

A weekly digest is *claimed* by inserting ``(chat_id, week)`` into ``digest_deliveries`` with
``ON CONFLICT DO NOTHING`` (as ``SlaRepository.claim`` does for notices): of two runs (two instances, a
restart, a manual ``jobs run digest``) exactly one gets True and sends; on PostgreSQL the loser's insert
waits for the winner's commit and then inserts nothing.

Recipients are the private chats of admins (global: ``admins``; unit: ``unit_admins``) unless the chat
opted out (``digest_opt_outs``), and the chats of ``digest_subscriptions`` (``unit_id`` None: every unit).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Admin, Citizen, DigestDelivery, DigestOptOut, DigestSubscription, UnitAdmin


class DigestDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---- once per chat per week -------------------------------------------------------------------

    async def claim(self, chat_id: int, week: str, now: datetime) -> bool:
        """Record the digest of ``week`` for ``chat_id``; False when it was already recorded (by anyone)."""
        dialect = self.session.get_bind().dialect.name
        values = {"chat_id": chat_id, "week": week, "created_at": now}
        keys = ["chat_id", "week"]
        if dialect == "postgresql":
            pg = (
                postgresql.insert(DigestDelivery).values(**values).on_conflict_do_nothing(index_elements=keys)
            )
            result = await self.session.execute(pg.returning(DigestDelivery.chat_id))
        elif dialect == "sqlite":
            lite = sqlite.insert(DigestDelivery).values(**values).on_conflict_do_nothing(index_elements=keys)
            result = await self.session.execute(lite.returning(DigestDelivery.chat_id))
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(f"insert-or-skip is not implemented for {dialect}")
        return result.first() is not None

    async def delivered(self, week: str) -> set[int]:
        """The chats whose digest of ``week`` is recorded."""
        found = await self.session.scalars(select(DigestDelivery.chat_id).where(DigestDelivery.week == week))
        return set(found)

    # ---- recipients -------------------------------------------------------------------------------

    async def global_admins(self) -> set[int]:
        """The admins of the org file (``ADMIN_IDS`` is the caller's to add)."""
        return set(await self.session.scalars(select(Admin.user_id)))

    async def unit_admins(self) -> dict[int, set[str]]:
        """Unit admin → the units they administer."""
        rows = await self.session.execute(select(UnitAdmin.user_id, UnitAdmin.unit_id))
        admins: dict[int, set[str]] = {}
        for user_id, unit_id in rows:
            admins.setdefault(user_id, set()).add(unit_id)
        return admins

    async def languages(self, user_ids: Collection[int]) -> dict[int, str]:
        """The language each user chose with the bot (those who have one)."""
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(Citizen.user_id, Citizen.language).where(
                Citizen.user_id.in_(list(user_ids)), Citizen.language.is_not(None)
            )
        )
        return {user_id: language for user_id, language in rows if language}

    async def subscriptions(self, chat_id: int | None = None) -> Sequence[DigestSubscription]:
        """Every subscription (or those of ``chat_id``), oldest first."""
        query = select(DigestSubscription).order_by(DigestSubscription.id)
        if chat_id is not None:
            query = query.where(DigestSubscription.chat_id == chat_id)
        return (await self.session.scalars(query)).all()

    async def opted_out(self) -> set[int]:
        return set(await self.session.scalars(select(DigestOptOut.chat_id)))

    # ---- /digest_subscribe, /digest_unsubscribe ---------------------------------------------------

    async def subscribe(self, chat_id: int, unit_id: str | None, language: str, created_by: int) -> None:
        """Subscribe ``chat_id`` to ``unit_id`` (None: every unit) and lift its opt-out; idempotent."""
        query = select(DigestSubscription).where(DigestSubscription.chat_id == chat_id)
        if unit_id is None:
            query = query.where(DigestSubscription.unit_id.is_(None))
        else:
            query = query.where(DigestSubscription.unit_id == unit_id)
        existing = await self.session.scalar(query.limit(1))
        if existing is None:
            self.session.add(
                DigestSubscription(chat_id=chat_id, unit_id=unit_id, language=language, created_by=created_by)
            )
        else:
            existing.language = language
            existing.created_by = created_by
        await self.session.execute(delete(DigestOptOut).where(DigestOptOut.chat_id == chat_id))
        await self.session.flush()

    async def unsubscribe(self, chat_id: int) -> int:
        """Remove every subscription of ``chat_id`` and opt it out of the admins' default; how many rows went."""
        result = await self.session.execute(
            delete(DigestSubscription).where(DigestSubscription.chat_id == chat_id)
        )
        if await self.session.get(DigestOptOut, chat_id) is None:
            self.session.add(DigestOptOut(chat_id=chat_id))
        await self.session.flush()
        return int(getattr(result, "rowcount", 0) or 0)


__all__ = ["DigestDeliveryRepository"]
