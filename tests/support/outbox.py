"""What the services owe Telegram: the outbox rows a test inspects."""

from __future__ import annotations

from sqlalchemy import select

from storage.database import Database
from storage.models import OutboxMessage


async def outbox_rows(db: Database, chat_id: int | None = None, since: int = 0) -> list[OutboxMessage]:
    """Rows written after row ``since`` (to one chat, or to all), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.id > since).order_by(OutboxMessage.id)
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    async with db.session() as session:
        return list(await session.scalars(query))
