"""The outbox worker end to end: real aiogram Bot, the sandbox Bot API emulator, a real database."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.outbox import Backoff, Limit, OutboxWorker, Pacer, blocked_notice_text
from sandbox.calls import Call
from sandbox.driver import ChatHandle
from sandbox.people import Person
from storage.database import Database
from storage.models import (
    Citizen,
    LinkKind,
    MessageLink,
    OutboxMessage,
    OutboxStatus,
    StaffChat,
    TicketThread,
    utcnow,
)
from storage.repositories.outbox import OutboxRepository
from tests.outbox.conftest import Telegram, WorkerFactory
from tests.outbox.seed import seed_ticket, seed_unit

FAST_BACKOFF = Backoff(base=0.05, cap=0.5)
TIMEOUT = 15.0


def fast(make_worker: WorkerFactory, **options: Any) -> OutboxWorker:
    """A worker whose pacing and backoff do not slow the test down."""
    options.setdefault(
        "pacer", Pacer(private=Limit(100, 1.0), group=Limit(100, 1.0), overall=Limit(1000, 1.0))
    )
    options.setdefault("backoff", FAST_BACKOFF)
    return make_worker(**options)


async def enqueue(db: Database, chat_id: int, text: str, method: str = "sendMessage", **kwargs: Any) -> int:
    payload = kwargs.pop("payload", {"text": text})
    async with db.transaction() as session:
        row = await OutboxRepository(session).enqueue(chat_id, method, payload, **kwargs)
    return row.id


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def posted(telegram: Telegram, chat: ChatHandle) -> list[tuple[str, int | None]]:
    """(text, thread id) of every text message in the chat, oldest first."""
    return [(m["text"], m.get("message_thread_id")) for m in telegram.sb.messages_in(chat) if "text" in m]


def texts(telegram: Telegram, chat: ChatHandle) -> list[str]:
    return [text for text, _ in posted(telegram, chat)]


def sends_to(telegram: Telegram, chat: ChatHandle, method: str = "sendMessage") -> list[Call]:
    return telegram.sb.calls_to(method, chat=chat)


def citizen(telegram: Telegram, name: str = "Lan") -> tuple[Person, ChatHandle]:
    person = telegram.sb.user(name)
    return person, telegram.sb.private_chat(person)


def citizen_chat(telegram: Telegram, name: str = "Lan") -> ChatHandle:
    return citizen(telegram, name)[1]


def staff_chat(telegram: Telegram, *, forum: bool, can_manage_topics: bool = True) -> ChatHandle:
    return telegram.sb.group(
        "UBND phường 1", forum=forum, bot_admin=True, can_manage_topics=can_manage_topics
    )


async def test_a_message_is_delivered_and_linked_to_its_ticket(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    ticket = await seed_ticket(db, citizen_id=chat.id, unit_id=None)
    worker = fast(make_worker)
    await worker.start()
    row_id = await enqueue(db, chat.id, "Đã nhận phản ánh #1", ticket_id=ticket, link_kind=LinkKind.ACK)
    worker.wake()
    await worker.wait_idle(TIMEOUT)

    assert texts(telegram, chat) == ["Đã nhận phản ánh #1"]
    message_id = telegram.sb.messages_in(chat)[0]["message_id"]
    async with db.session() as session:
        row = await session.get(OutboxMessage, row_id)
        link = await session.get(MessageLink, (chat.id, message_id))
    assert row is not None and row.status == OutboxStatus.SENT and row.result_message_id == message_id
    assert link is not None and link.ticket_id == ticket and link.kind == LinkKind.ACK


async def test_rows_written_by_another_instance_are_picked_up_without_a_wake(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    worker = fast(make_worker, poll_interval=0.2)
    await worker.start()
    await enqueue(db, chat.id, "hello")
    await telegram.sb.wait_for("sendMessage", chat=chat, since=0, timeout=TIMEOUT)
    assert texts(telegram, chat) == ["hello"]


async def test_each_chat_gets_its_rows_in_order_while_chats_proceed_side_by_side(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    group = staff_chat(telegram, forum=False)
    citizens = [citizen_chat(telegram, f"c{n}") for n in range(3)]
    for n in range(8):
        await enqueue(db, group.id, f"card-{n}")
        for citizen in citizens:
            await enqueue(db, citizen.id, f"{citizen.id}-{n}")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert texts(telegram, group) == [f"card-{n}" for n in range(8)]
    for citizen in citizens:
        assert texts(telegram, citizen) == [f"{citizen.id}-{n}" for n in range(8)]
    assert {row.status for row in await rows(db)} == {OutboxStatus.SENT}


async def test_a_flood_wait_is_honoured_per_chat_and_nothing_is_lost_or_doubled(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chats = [citizen_chat(telegram, f"c{n}") for n in range(3)]
    for n in range(3):
        for chat in chats:
            await enqueue(db, chat.id, f"{chat.id}-{n}")
    telegram.sb.faults.inject(status=429, retry_after=1, method="sendMessage", times=6)
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    for chat in chats:
        assert texts(telegram, chat) == [f"{chat.id}-{n}" for n in range(3)]
        calls = sends_to(telegram, chat)
        for flooded, following in itertools.pairwise(calls):
            if flooded.status == 429:
                assert flooded.answered_at is not None
                assert following.at >= flooded.answered_at + 1.0
    assert sum(call.status == 429 for call in telegram.sb.calls) == 6
    assert all(row.status == OutboxStatus.SENT and row.attempts == 0 for row in await rows(db))


async def test_server_errors_and_dropped_connections_are_retried_until_delivered(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    faults = telegram.sb.faults
    faults.inject(status=502, chat=chat.id, times=2)
    faults.inject(drop=True, chat=chat.id, times=1)
    faults.inject(status=500, chat=chat.id, times=1)
    row_id = await enqueue(db, chat.id, "answer")
    await enqueue(db, chat.id, "after")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert texts(telegram, chat) == ["answer", "after"]
    outcomes = [call.fault or "ok" for call in sends_to(telegram, chat)]
    assert outcomes == ["status 502", "status 502", "drop", "status 500", "ok", "ok"]
    first = next(row for row in await rows(db) if row.id == row_id)
    assert first.status == OutboxStatus.SENT and first.attempts == 4


async def test_a_citizen_who_blocked_the_bot_is_marked_and_staff_are_told(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    staff = staff_chat(telegram, forum=True)
    await seed_unit(db, staff_chat_id=staff.id, forum=True)
    person, chat = citizen(telegram)
    person.block_bot()
    ticket = await seed_ticket(db, citizen_id=chat.id)
    await enqueue(db, chat.id, "Trả lời phản ánh", ticket_id=ticket, link_kind=LinkKind.ANSWER)
    await enqueue(db, chat.id, "Trả lời thêm", ticket_id=ticket, link_kind=LinkKind.ANSWER)
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert len(sends_to(telegram, chat)) == 1  # the second answer is not tried against the block
    answers, notice = [row for row in await rows(db) if row.chat_id == chat.id], (await rows(db))[-1]
    assert [row.status for row in answers] == [OutboxStatus.FAILED, OutboxStatus.FAILED]
    assert notice.chat_id == staff.id and notice.status == OutboxStatus.SENT
    async with db.session() as session:
        stored = await session.get(Citizen, chat.id)
        thread = await session.scalar(select(TicketThread.thread_id).where(TicketThread.ticket_id == ticket))
    assert stored is not None and stored.unreachable
    assert posted(telegram, staff) == [(blocked_notice_text(ticket), thread)]
    assert "#" + str(ticket) in blocked_notice_text(ticket)


async def test_a_replaced_blocked_hook_decides_how_staff_are_told(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    person, chat = citizen(telegram)
    person.block_bot()
    ticket = await seed_ticket(db, citizen_id=chat.id, unit_id=None)
    seen: list[tuple[int, tuple[int, ...]]] = []

    async def on_blocked(outbox: OutboxRepository, citizen: Any) -> None:
        seen.append((citizen.user_id, citizen.ticket_ids))

    await enqueue(db, chat.id, "x", ticket_id=ticket)
    worker = fast(make_worker, on_blocked=on_blocked)
    await worker.start()
    await worker.wait_idle(TIMEOUT)
    assert seen == [(chat.id, (ticket,))]


async def test_a_reply_to_a_deleted_message_is_sent_without_the_reply(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    await enqueue(db, chat.id, "", payload={"text": "answer", "reply_parameters": {"message_id": 999}})
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)
    assert texts(telegram, chat) == ["answer"]
    assert [call.error for call in sends_to(telegram, chat)] == [
        "Bad Request: message to be replied not found",
        None,
    ]


async def test_other_bad_requests_fail_the_row_and_the_chat_moves_on(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    bad = await enqueue(db, chat.id, "x" * 5000)
    await enqueue(db, chat.id, "next")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)
    assert texts(telegram, chat) == ["next"]
    failed = next(row for row in await rows(db) if row.id == bad)
    assert failed.status == OutboxStatus.FAILED and failed.last_error is not None
    assert "message is too long" in failed.last_error


async def test_an_edit_that_changes_nothing_counts_as_done(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    """A card refreshed twice with the same state: Telegram refuses the second edit as "not modified",
    which is what was wanted, so the row is sent, not failed."""
    chat = citizen_chat(telegram)
    await enqueue(db, chat.id, "card")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)
    [card] = telegram.sb.messages_in(chat)
    edit = {"text": "card, taken", "message_id": card["message_id"]}
    first = await enqueue(db, chat.id, "", method="editMessageText", payload=edit)
    again = await enqueue(db, chat.id, "", method="editMessageText", payload=edit)
    worker.wake()
    await worker.wait_idle(TIMEOUT)
    assert texts(telegram, chat) == ["card, taken"]
    edits = sends_to(telegram, chat, "editMessageText")
    assert [call.error is None for call in edits] == [True, False]
    assert "message is not modified" in str(edits[1].error)
    statuses = {row.id: row.status for row in await rows(db)}
    assert statuses[first] == statuses[again] == OutboxStatus.SENT


async def test_a_ticket_gets_one_forum_topic_that_later_messages_reuse(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    staff = staff_chat(telegram, forum=True)
    await seed_unit(db, staff_chat_id=staff.id, forum=True)
    first = await seed_ticket(db, citizen_id=1_000_500)
    second = await seed_ticket(db, citizen_id=1_000_500)
    for ticket in (first, second, first):
        for kind in ("card", "copy"):
            await enqueue(
                db,
                staff.id,
                f"{kind} #{ticket}",
                ticket_id=ticket,
                link_kind=kind,
                in_ticket_thread=True,
                topic_name=f"#{ticket} Đèn đường hỏng " + "x" * 200,
            )
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    topics = sends_to(telegram, staff, "createForumTopic")
    assert len(topics) == 2 and all(len(call.params["name"]) == 128 for call in topics)
    threads = {
        ticket: call.result["message_thread_id"] for ticket, call in zip((first, second), topics, strict=True)
    }
    assert posted(telegram, staff) == [
        (f"card #{first}", threads[first]),
        (f"copy #{first}", threads[first]),
        (f"card #{second}", threads[second]),
        (f"copy #{second}", threads[second]),
        (f"card #{first}", threads[first]),
        (f"copy #{first}", threads[first]),
    ]
    async with db.session() as session:
        stored = {(t.ticket_id, t.thread_id) for t in await session.scalars(select(TicketThread))}
    assert stored == set(threads.items())


async def test_without_the_right_to_make_topics_messages_go_to_the_main_thread(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    staff = staff_chat(telegram, forum=True, can_manage_topics=False)
    await seed_unit(db, staff_chat_id=staff.id, forum=True)
    ticket = await seed_ticket(db, citizen_id=1_000_500)
    await enqueue(db, staff.id, "card", ticket_id=ticket, in_ticket_thread=True, topic_name="#1")
    await enqueue(db, staff.id, "copy", ticket_id=ticket, in_ticket_thread=True, topic_name="#1")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert posted(telegram, staff) == [("card", None), ("copy", None)]
    assert len(sends_to(telegram, staff, "createForumTopic")) == 1
    async with db.session() as session:
        chat = await session.get(StaffChat, staff.id)
    assert chat is not None and not chat.is_forum


async def test_private_chats_get_a_message_a_second_without_holding_up_other_chats(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chats = [citizen_chat(telegram, f"c{n}") for n in range(3)]
    for n in range(3):
        for chat in chats:
            await enqueue(db, chat.id, f"{chat.id}-{n}")
    worker = make_worker()
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    firsts = []
    for chat in chats:
        times = [call.at for call in sends_to(telegram, chat)]
        assert len(times) == 3
        assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
        firsts.append(times[0])
    assert max(firsts) - min(firsts) < 0.5


async def test_a_group_limit_is_respected(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    group = staff_chat(telegram, forum=False)
    for n in range(5):
        await enqueue(db, group.id, f"m{n}")
    worker = make_worker(pacer=Pacer(group=Limit(2, 1.0)))
    await worker.start()
    await worker.wait_idle(TIMEOUT)
    times = [call.at for call in sends_to(telegram, group)]
    assert len(times) == 5
    assert all(times[n + 2] - times[n] >= 1.0 for n in range(3))


async def test_rows_pending_at_a_graceful_stop_are_delivered_by_the_next_worker(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    for n in range(6):
        await enqueue(db, chat.id, f"m{n}")
    first = make_worker()
    await first.start()
    await telegram.sb.wait_for("sendMessage", chat=chat, since=0, timeout=TIMEOUT)
    await first.stop(drain_timeout=0.5)

    statuses = [row.status for row in await rows(db)]
    assert OutboxStatus.SENDING not in statuses and OutboxStatus.PENDING in statuses
    delivered_by_first = len(texts(telegram, chat))
    assert 1 <= delivered_by_first < 6

    second = fast(make_worker)
    await second.start()
    await second.wait_idle(TIMEOUT)
    assert texts(telegram, chat) == [f"m{n}" for n in range(6)]
    assert len(sends_to(telegram, chat)) == 6


async def test_a_graceful_stop_lets_an_in_flight_request_finish(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    telegram.sb.faults.inject(delay=1.0, chat=chat.id)
    requested = asyncio.Event()

    async def spy(make_request: Any, bot: Any, method: Any) -> Any:
        requested.set()
        return await make_request(bot, method)

    telegram.bot.session.middleware(spy)
    row_id = await enqueue(db, chat.id, "slow")
    worker = fast(make_worker)
    await worker.start()
    await asyncio.wait_for(requested.wait(), TIMEOUT)
    await worker.stop(drain_timeout=0)
    assert texts(telegram, chat) == ["slow"]
    assert next(row for row in await rows(db) if row.id == row_id).status == OutboxStatus.SENT


async def test_rows_left_sending_by_a_crash_are_never_sent_again(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    other = citizen_chat(telegram, "Minh")
    crashed = await enqueue(db, chat.id, "maybe sent before the crash")
    await enqueue(db, chat.id, "after")
    stale = await enqueue(db, other.id, "claimed long ago by a dead instance")
    async with db.transaction() as session:
        outbox = OutboxRepository(session)
        await outbox.claim(crashed, utcnow(), "node-1")
        claimed = await outbox.claim(stale, utcnow(), "node-0")
        assert claimed is not None
        claimed.claimed_at = utcnow() - timedelta(hours=1)
    worker = fast(make_worker, instance="node-1")
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert texts(telegram, chat) == ["after"]
    assert texts(telegram, other) == []
    by_id = {row.id: row for row in await rows(db)}
    assert by_id[crashed].status == by_id[stale].status == OutboxStatus.UNCERTAIN


async def test_a_deleted_topic_is_replaced_by_a_new_one(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    staff = staff_chat(telegram, forum=True)
    await seed_unit(db, staff_chat_id=staff.id, forum=True)
    ticket = await seed_ticket(db, citizen_id=1_000_500)
    async with db.transaction() as session:
        session.add(TicketThread(chat_id=staff.id, thread_id=777, ticket_id=ticket))
    await enqueue(db, staff.id, "copy", ticket_id=ticket, in_ticket_thread=True, topic_name="#1")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    new_thread = staff.topic("#1")
    assert posted(telegram, staff) == [("copy", new_thread)]
    async with db.session() as session:
        threads = list(await session.scalars(select(TicketThread.thread_id)))
    assert threads == [new_thread]


async def test_two_instances_share_the_work_without_sending_anything_twice(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chats = [citizen_chat(telegram, f"c{n}") for n in range(4)]
    other_pool = Database(db.url)
    try:
        workers = [fast(make_worker, concurrency=2), fast(make_worker, database=other_pool, concurrency=2)]
        for worker in workers:
            await worker.start()
        async with db.transaction() as session:
            for n in range(10):
                for chat in chats:
                    await OutboxRepository(session).enqueue(
                        chat.id, "sendMessage", {"text": f"{chat.id}-{n}"}
                    )
        for worker in workers:
            worker.wake()
        for worker in workers:
            await worker.wait_idle(TIMEOUT)
        for worker in workers:
            await worker.stop(drain_timeout=1)
    finally:
        await other_pool.close()

    for chat in chats:
        assert texts(telegram, chat) == [f"{chat.id}-{n}" for n in range(10)]
    assert len(telegram.sb.calls_to("sendMessage")) == 40


async def test_a_row_with_an_unknown_method_fails_without_a_request(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    bad = await enqueue(db, chat.id, "", method="sendTelepathy", payload={"text": "x"})
    await enqueue(db, chat.id, "next")
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)
    assert texts(telegram, chat) == ["next"]
    assert len(telegram.sb.calls) == 1
    assert next(row for row in await rows(db) if row.id == bad).status == OutboxStatus.FAILED


async def test_an_unrecorded_staff_chat_is_looked_up_once(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    staff = staff_chat(telegram, forum=True)
    first = await seed_ticket(db, citizen_id=1_000_500, unit_id=None)
    second = await seed_ticket(db, citizen_id=1_000_500, unit_id=None)
    for ticket in (first, second):
        await enqueue(
            db, staff.id, f"card #{ticket}", ticket_id=ticket, in_ticket_thread=True, topic_name=f"#{ticket}"
        )
    worker = fast(make_worker)
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert posted(telegram, staff) == [
        (f"card #{first}", staff.topic(f"#{first}")),
        (f"card #{second}", staff.topic(f"#{second}")),
    ]
    assert len(sends_to(telegram, staff, "getChat")) == 1
    async with db.session() as session:
        chat = await session.get(StaffChat, staff.id)
    assert chat is not None and chat.is_forum


async def test_a_chat_held_by_a_dead_instance_is_freed_after_the_lease(
    db: Database, telegram: Telegram, make_worker: WorkerFactory
) -> None:
    chat = citizen_chat(telegram)
    held = await enqueue(db, chat.id, "claimed by an instance that then died")
    await enqueue(db, chat.id, "after")
    async with db.transaction() as session:
        assert await OutboxRepository(session).claim(held, utcnow(), "node-0") is not None
    worker = fast(make_worker, stale_after=timedelta(seconds=0.5))
    await worker.start()
    await worker.wait_idle(TIMEOUT)

    assert texts(telegram, chat) == ["after"]
    assert next(row for row in await rows(db) if row.id == held).status == OutboxStatus.UNCERTAIN
