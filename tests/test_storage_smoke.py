from storage.database import Database
from storage.models import Citizen, Ticket


async def test_ticket_numbers_are_never_reused(db: Database) -> None:
    async with db.transaction() as session:
        session.add(Citizen(user_id=1, display_name="Lan"))
        first = Ticket(citizen_id=1, source_kind="private", source_chat_id=1, source_message_id=1)
        session.add(first)
    async with db.transaction() as session:
        await session.delete(await session.get(Ticket, first.id))
    async with db.transaction() as session:
        second = Ticket(citizen_id=1, source_kind="private", source_chat_id=1, source_message_id=2)
        session.add(second)
    assert second.id > first.id
    async with db.session() as session:
        stored = await session.get(Ticket, second.id)
        assert stored is not None and stored.created_at.tzinfo is not None
