"""Citizens: the people who write to the bot, with their preferences."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Citizen


class CitizenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> Citizen | None:
        return await self.session.get(Citizen, user_id)

    async def upsert(self, user_id: int, display_name: str, username: str | None) -> Citizen:
        """The citizen, created on first contact; name and username follow what Telegram says now."""
        citizen = await self.session.get(Citizen, user_id)
        if citizen is None:
            citizen = Citizen(user_id=user_id, display_name=display_name, username=username)
            self.session.add(citizen)
            await self.session.flush()
        else:
            citizen.display_name = display_name
            citizen.username = username
        return citizen

    async def mark_unreachable(self, user_id: int, unreachable: bool = True) -> None:
        citizen = await self.session.get(Citizen, user_id)
        if citizen is not None:
            citizen.unreachable = unreachable
