"""The outbox table's bookkeeping, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import LinkKind, MessageLink, OutboxMessage, OutboxStatus, utcnow
from storage.repositories.outbox import OutboxRepository
from tests.outbox.seed import seed_ticket

CITIZEN = 1_000_001
OTHER = 1_000_002


async def enqueue(db: Database, chat_id: int, text: str, **kwargs: object) -> int:
    async with db.transaction() as session:
        row = await OutboxRepository(session).enqueue(chat_id, "sendMessage", {"text": text}, **kwargs)  # type: ignore[arg-type]
    return row.id


async def claim_next(db: Database, chat_id: int, instance: str = "a") -> OutboxMessage | None:
    async with db.transaction() as session:
        return await OutboxRepository(session).claim_next(chat_id, utcnow(), instance)


async def due_chats(db: Database) -> list[int]:
    async with db.session() as session:
        return [row.chat_id for row in await OutboxRepository(session).due_heads(utcnow())]


async def status_of(db: Database, row_id: int) -> str:
    async with db.session() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None
        return row.status


async def test_enqueue_refuses_what_the_worker_sets_itself(db: Database) -> None:
    async with db.transaction() as session:
        outbox = OutboxRepository(session)
        with pytest.raises(ValueError, match="chat_id"):
            await outbox.enqueue(CITIZEN, "sendMessage", {"chat_id": 1, "text": "x"})
        with pytest.raises(ValueError, match="message_thread_id"):
            await outbox.enqueue(CITIZEN, "sendMessage", {"message_thread_id": 1, "text": "x"})
        with pytest.raises(ValueError, match="ticket_id"):
            await outbox.enqueue(CITIZEN, "sendMessage", {"text": "x"}, in_ticket_thread=True)


async def test_enqueued_rows_are_not_visible_until_the_transaction_commits(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await OutboxRepository(session).enqueue(CITIZEN, "sendMessage", {"text": "x"})
            raise RuntimeError("the state change failed")
    assert await due_chats(db) == []


async def test_a_chat_is_served_in_order_one_row_at_a_time(db: Database) -> None:
    first = await enqueue(db, CITIZEN, "1")
    second = await enqueue(db, CITIZEN, "2")
    other = await enqueue(db, OTHER, "x")
    assert await due_chats(db) == [CITIZEN, OTHER]

    claimed = await claim_next(db, CITIZEN)
    assert claimed is not None and claimed.id == first and claimed.status == OutboxStatus.SENDING
    assert await claim_next(db, CITIZEN) is None  # the head is in flight: the second waits
    assert await due_chats(db) == [OTHER]
    claimed_other = await claim_next(db, OTHER)
    assert claimed_other is not None and claimed_other.id == other

    async with db.transaction() as session:
        await OutboxRepository(session).mark_sent(first, [41])
    claimed = await claim_next(db, CITIZEN)
    assert claimed is not None and claimed.id == second


async def test_only_one_claim_wins_a_row(db: Database) -> None:
    row_id = await enqueue(db, CITIZEN, "1")

    async def claim(instance: str) -> OutboxMessage | None:
        async with db.transaction() as session:
            return await OutboxRepository(session).claim(row_id, utcnow(), instance)

    results = await asyncio.gather(*(claim(f"i{n}") for n in range(4)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    async with db.session() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None and row.claimed_by == winners[0].claimed_by


async def test_sent_rows_record_their_messages_for_the_ticket(db: Database) -> None:
    ticket = await seed_ticket(db, citizen_id=CITIZEN, unit_id=None)
    row_id = await enqueue(db, -100, "album", ticket_id=ticket, link_kind=LinkKind.COPY)
    await claim_next(db, -100)
    async with db.transaction() as session:
        await OutboxRepository(session).mark_sent(row_id, [7, 8, 9])
    async with db.session() as session:
        row = await session.get(OutboxMessage, row_id)
        links = (await session.scalars(select(MessageLink).order_by(MessageLink.message_id))).all()
    assert row is not None and row.status == OutboxStatus.SENT and row.result_message_id == 7
    assert row.sent_at is not None
    assert [(link.chat_id, link.message_id, link.ticket_id, link.kind) for link in links] == [
        (-100, 7, ticket, "copy"),
        (-100, 8, ticket, "copy"),
        (-100, 9, ticket, "copy"),
    ]


async def test_a_row_waiting_to_be_retried_holds_back_the_rest_of_its_chat(db: Database) -> None:
    first = await enqueue(db, CITIZEN, "1")
    await enqueue(db, CITIZEN, "2")
    await claim_next(db, CITIZEN)
    later = utcnow() + timedelta(seconds=30)
    async with db.transaction() as session:
        await OutboxRepository(session).reschedule(
            first, later, "TelegramServerError: Bad Gateway", count_attempt=True
        )
    assert await claim_next(db, CITIZEN) is None
    async with db.session() as session:
        outbox = OutboxRepository(session)
        assert await outbox.next_head_due_at() == later
        assert await outbox.count_unsettled() == 2
        row = await session.get(OutboxMessage, first)
    assert row is not None and row.attempts == 1 and row.status == OutboxStatus.PENDING
    assert row.last_error == "TelegramServerError: Bad Gateway"


async def test_failed_and_uncertain_rows_no_longer_hold_back_their_chat(db: Database) -> None:
    first = await enqueue(db, CITIZEN, "1")
    second = await enqueue(db, CITIZEN, "2")
    third = await enqueue(db, CITIZEN, "3")
    await claim_next(db, CITIZEN)
    async with db.transaction() as session:
        await OutboxRepository(session).mark_failed(first, "TelegramBadRequest: message is too long")
    claimed = await claim_next(db, CITIZEN)
    assert claimed is not None and claimed.id == second
    async with db.transaction() as session:
        await OutboxRepository(session).mark_uncertain(second, "interrupted")
    claimed = await claim_next(db, CITIZEN)
    assert claimed is not None and claimed.id == third


async def test_a_released_row_is_claimed_again_first(db: Database) -> None:
    first = await enqueue(db, CITIZEN, "1")
    await enqueue(db, CITIZEN, "2")
    await claim_next(db, CITIZEN)
    async with db.transaction() as session:
        await OutboxRepository(session).release(first)
    claimed = await claim_next(db, CITIZEN)
    assert claimed is not None and claimed.id == first and claimed.attempts == 0


async def test_rows_left_sending_become_uncertain_by_owner_or_by_age(db: Database) -> None:
    mine = await enqueue(db, CITIZEN, "1")
    theirs = await enqueue(db, OTHER, "1")
    await claim_next(db, CITIZEN, instance="me")
    await claim_next(db, OTHER, instance="them")
    async with db.transaction() as session:
        ids = await OutboxRepository(session).mark_stale_uncertain(
            claimed_by="me", claimed_before=utcnow() - timedelta(minutes=10)
        )
    assert ids == [mine]
    assert await status_of(db, theirs) == OutboxStatus.SENDING
    async with db.transaction() as session:
        ids = await OutboxRepository(session).mark_stale_uncertain(claimed_by=None, claimed_before=utcnow())
    assert ids == [theirs]
    assert await status_of(db, mine) == await status_of(db, theirs) == OutboxStatus.UNCERTAIN


async def test_failing_a_chat_fails_only_its_pending_rows(db: Database) -> None:
    first = await enqueue(db, CITIZEN, "1")
    second = await enqueue(db, CITIZEN, "2")
    other = await enqueue(db, OTHER, "x")
    await claim_next(db, CITIZEN)
    async with db.transaction() as session:
        failed = await OutboxRepository(session).fail_pending_for_chat(CITIZEN, "blocked")
    assert [row.id for row in failed] == [second]
    assert await status_of(db, first) == OutboxStatus.SENDING
    assert await status_of(db, other) == OutboxStatus.PENDING
