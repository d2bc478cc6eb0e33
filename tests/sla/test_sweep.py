"""The sweep: reminders, overdue marks and escalations, automatic closing and daily summaries — each once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.sla import SlaSweeper
from storage.database import Database
from storage.models import LinkKind, SourceKind, TicketStatus
from tests.sla.helpers import (
    CITIZEN,
    COMMUNE_CHAT,
    PROVINCE_CHAT,
    WATER_CHAT,
    Env,
    about_tickets,
    at,
    make_env,
    setup_env,
)

FORWARDED = at("2026-12-01 09:00")  # Tuesday
REMINDER = at("2026-12-04 16:37:30")  # 75 % of 37.5 working hours
DUE = at("2026-12-08 09:00")
LEVEL_2 = at("2026-12-15 09:00")  # the same 5 working days again


async def test_the_reminder_time_is_three_quarters_of_the_working_time(env: Env) -> None:
    ticket = await env.get(await env.ticket(when=FORWARDED))

    assert ticket.answer_due == DUE
    assert env.sweeper.reminder_due(ticket) == REMINDER


async def test_a_reminder_goes_to_the_handling_unit_once(env: Env) -> None:
    ticket_id = await env.ticket(when=FORWARDED)
    start = await env.last_outbox_id()

    early = await env.sweeper.run(REMINDER - timedelta(seconds=1))
    assert early.reminders == 0 and await env.outbox(after=start) == []

    first = await env.sweeper.run(REMINDER)
    second = await env.sweeper.run(REMINDER + timedelta(minutes=1))

    assert (first.reminders, second.reminders) == (1, 0)
    rows = await env.outbox(after=start)
    assert len(rows) == 1
    row = rows[0]
    assert row.chat_id == COMMUNE_CHAT and row.ticket_id == ticket_id
    assert row.in_ticket_thread and row.link_kind == LinkKind.NOTICE
    assert row.payload["text"] == (
        f"⏰ Phản ánh #{ticket_id}: còn 9,4 giờ làm việc đến hạn trả lời (hạn 08/12 09:00)."
    )
    assert f"reminder:{ticket_id}:2026-12-08T02:00:00+00:00" in await env.notice_keys()


async def test_a_restarted_sweeper_does_not_remind_again(db: Database) -> None:
    env = await setup_env(db, FORWARDED)
    await env.ticket(when=FORWARDED)
    assert (await env.sweeper.run(REMINDER)).reminders == 1
    start = await env.last_outbox_id()

    restarted = Database(db.url)
    try:
        again = make_env(restarted, REMINDER)
        report = await again.sweeper.run(REMINDER + timedelta(minutes=5))
        late = await again.sweeper.run(DUE)
    finally:
        await restarted.close()

    assert about_tickets(report) == 0
    assert (late.reminders, late.overdue, late.escalations) == (0, 1, 1)
    assert [row.chat_id for row in await env.outbox(after=start)].count(COMMUNE_CHAT) == 1, "only the notice"


async def test_no_reminder_nor_escalation_for_answered_or_resolved_tickets(env: Env) -> None:
    answered = await env.ticket(when=FORWARDED)
    resolved = await env.ticket(when=FORWARDED)
    await env.update(answered, status=TicketStatus.ANSWERED, answered_at=FORWARDED + timedelta(hours=1))
    await env.update(resolved, status=TicketStatus.RESOLVED, resolved_at=FORWARDED + timedelta(hours=1))
    start = await env.last_outbox_id()

    reports = [await env.sweeper.run(when) for when in (REMINDER, DUE)]  # before 7 days

    assert all(report.reminders == report.overdue == report.escalations == 0 for report in reports)
    assert [row for row in await env.outbox(after=start) if row.ticket_id in (answered, resolved)] == []
    assert not (await env.get(answered)).overdue


async def test_an_overdue_ticket_is_marked_and_escalated_to_the_parent_unit(env: Env) -> None:
    ticket_id = await env.ticket(when=FORWARDED)
    await env.sweeper.run(REMINDER)
    start = await env.last_outbox_id()

    before = await env.sweeper.run(DUE - timedelta(seconds=1))
    report = await env.sweeper.run(DUE)
    again = await env.sweeper.run(DUE + timedelta(hours=2))

    assert before.overdue == 0 and about_tickets(again) == 0
    assert (report.overdue, report.escalations) == (1, 1)
    ticket = await env.get(ticket_id)
    assert ticket.overdue and ticket.escalation_level == 1

    (notice,) = await env.texts(COMMUNE_CHAT, start)
    assert notice == (
        f"⚠️ Phản ánh #{ticket_id} đã quá hạn trả lời (hạn 09:00 08/12/2026). Đã báo lên UBND tỉnh Nghệ An."
    )
    province = await env.outbox(PROVINCE_CHAT, start)
    card, copy = province
    assert card.link_kind == LinkKind.ESCALATION and card.ticket_id == ticket_id, (
        "replies to it reach the ticket"
    )
    text = card.payload["text"]
    assert text.startswith(
        f"⚠️ <b>Quá hạn trả lời:</b> phản ánh #{ticket_id} của UBND xã Vĩnh Tường, hạn 09:00 08/12/2026\n\n"
    )
    assert f"Phản ánh #{ticket_id}" in text and "Giao thông" in text, "followed by the usual card"
    assert copy.method == "copyMessage" and copy.payload["from_chat_id"] == CITIZEN


async def test_the_card_of_an_overdue_ticket_says_so_once(env: Env) -> None:
    ticket_id = await env.ticket(when=FORWARDED)
    async with env.core.unit_of_work() as work:  # the card, as the outbox links it once delivered
        await work.tickets.link(COMMUNE_CHAT, 321, ticket_id, LinkKind.CARD)
    start = await env.last_outbox_id()

    await env.sweeper.run(DUE)
    await env.sweeper.run(DUE + timedelta(hours=2))

    edits = [row for row in await env.outbox(COMMUNE_CHAT, start) if row.method == "editMessageText"]
    assert [row.payload["message_id"] for row in edits] == [321]
    assert "Trạng thái: đã chuyển đơn vị xử lý ⚠️ <b>quá hạn</b>" in edits[0].payload["text"]


async def test_still_overdue_after_the_parents_time_goes_one_level_further_up(env: Env) -> None:
    ticket_id = await env.ticket("water", when=FORWARDED)
    assert (await env.get(ticket_id)).unit_id == "vinh-tuong-water"
    start = await env.last_outbox_id()

    first = await env.sweeper.run(DUE)
    assert first.escalations == 1
    assert [row.chat_id for row in await env.outbox(after=start) if row.link_kind == LinkKind.ESCALATION] == [
        COMMUNE_CHAT
    ]
    middle = await env.sweeper.run(LEVEL_2 - timedelta(seconds=1))
    second = await env.sweeper.run(LEVEL_2)
    third = await env.sweeper.run(LEVEL_2 + timedelta(days=30))

    assert middle.escalations == 0 and second.escalations == 1
    assert about_tickets(third) == 0, "nothing above the province"
    cards = [row for row in await env.outbox(after=start) if row.link_kind == LinkKind.ESCALATION]
    assert [row.chat_id for row in cards] == [COMMUNE_CHAT, PROVINCE_CHAT]
    assert "Vẫn quá hạn trả lời (cấp 2)" in cards[1].payload["text"]
    assert (await env.get(ticket_id)).escalation_level == 2
    assert len(await env.texts(WATER_CHAT, start)) == 1, "the overdue notice in the handling chat"


async def test_a_ticket_of_the_top_unit_is_marked_overdue_without_escalation(env: Env) -> None:
    ticket_id = await env.ticket(when=FORWARDED)
    async with env.core.unit_of_work() as work:
        ticket = await work.tickets.get(ticket_id)
        assert ticket is not None
        await env.forwarding.forward_to(work, ticket, "nghe-an", None)
    start = await env.last_outbox_id()

    report = await env.sweeper.run(DUE)
    later = await env.sweeper.run(LEVEL_2)

    assert (report.overdue, report.escalations, about_tickets(later)) == (1, 0, 0)
    assert await env.texts(PROVINCE_CHAT, start) == [
        f"⚠️ Phản ánh #{ticket_id} đã quá hạn trả lời (hạn 09:00 08/12/2026)."
    ]
    ticket = await env.get(ticket_id)
    assert ticket.overdue and ticket.escalation_level == 0


async def test_a_resolved_ticket_closes_after_seven_days_without_response(env: Env) -> None:
    ticket_id = await env.ticket(when=FORWARDED)
    resolved_at = at("2026-12-02 10:00")
    await env.update(ticket_id, status=TicketStatus.RESOLVED, resolved_at=resolved_at)
    start = await env.last_outbox_id()

    assert (await env.sweeper.run(resolved_at + timedelta(days=7, seconds=-1))).closed == 0
    report = await env.sweeper.run(resolved_at + timedelta(days=7))
    again = await env.sweeper.run(resolved_at + timedelta(days=8))

    assert (report.closed, again.closed) == (1, 0)
    ticket = await env.get(ticket_id)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at == resolved_at + timedelta(days=7)
    (told,) = await env.texts(CITIZEN, start)
    assert told.startswith(f"🔒 Phản ánh #{ticket_id} đã được đóng")


async def test_a_citizens_message_after_resolution_holds_the_closing(env: Env) -> None:
    group_ticket = await env.ticket(when=FORWARDED, source=SourceKind.GROUP)
    resolved_at = at("2026-12-02 10:00")
    await env.update(
        group_ticket,
        status=TicketStatus.RESOLVED,
        resolved_at=resolved_at,
        last_message_at=resolved_at + timedelta(days=3),
    )

    assert (await env.sweeper.run(resolved_at + timedelta(days=7))).closed == 0
    start = await env.last_outbox_id()
    assert (await env.sweeper.run(resolved_at + timedelta(days=10))).closed == 1
    assert await env.outbox(after=start) == [], "nothing is posted in a community group"


async def test_the_daily_summary_lists_open_tickets_once_a_working_day(env: Env) -> None:
    first = await env.ticket(when=at("2026-11-30 10:00"))
    second = await env.ticket("land", when=at("2026-12-07 15:00"))
    water = await env.ticket("water", when=at("2026-12-07 15:00"))
    answered = await env.ticket(when=at("2026-12-07 15:30"))
    await env.update(answered, status=TicketStatus.ANSWERED, answered_at=at("2026-12-07 16:00"))
    done = await env.ticket(when=at("2026-12-07 15:30"))
    await env.update(done, status=TicketStatus.RESOLVED, resolved_at=at("2026-12-07 16:00"))
    await env.sweeper.run(at("2026-12-07 16:00"))  # reminders for the first ticket, out of the way
    start = await env.last_outbox_id()

    assert (await env.sweeper.run(at("2026-12-08 07:59"))).summaries == 0
    report = await env.sweeper.run(at("2026-12-08 08:00"))
    again = await env.sweeper.run(at("2026-12-08 08:01"))

    assert (report.summaries, again.summaries) == (2, 0), "the commune's and the water team's chats"
    summaries = [text for text in await env.texts(COMMUNE_CHAT, start, summaries=True) if "Tổng hợp" in text]
    (summary,) = summaries
    assert summary.splitlines() == [
        "📋 <b>Tổng hợp ngày 08/12/2026</b>: 3 phản ánh đang mở, 1 phản ánh quá hạn.",
        f"#{first} · Giao thông · Xã Vĩnh Tường, Nghệ An — 7 ngày ⚠️ <b>quá hạn</b>",
        f"#{second} · Đất đai · Xã Vĩnh Tường, Nghệ An — hôm nay",
        f"#{answered} · Giao thông · Xã Vĩnh Tường, Nghệ An — hôm nay · đã trả lời",
    ]
    assert f"#{water} · " in (await env.texts(WATER_CHAT, start, summaries=True))[-1]
    assert await env.texts(PROVINCE_CHAT, start, summaries=True) == [], "a chat with nothing open gets none"

    saturday = await env.sweeper.run(at("2026-12-12 09:00"))
    wednesday = await env.sweeper.run(at("2026-12-09 08:00"))
    assert (saturday.summaries, wednesday.summaries) == (0, 2)


async def test_two_sweepers_at_once_send_each_notice_once(db: Database, database_url: str) -> None:
    """Three sweepers (two engines) at the same instant. On PostgreSQL the losers' inserts wait for the
    winner and skip; SQLite may refuse a racing writer outright ("database is locked"), which leaves the
    notice to the next sweep — so a follow-up sweep must find nothing lost and nothing doubled."""
    env = await setup_env(db, FORWARDED)
    tickets = [await env.ticket(when=FORWARDED) for _ in range(5)]
    start = await env.last_outbox_id()
    other_db = Database(db.url)
    try:
        other = make_env(other_db, FORWARDED)
        sweepers: list[SlaSweeper] = [env.sweeper, other.sweeper, make_env(db, FORWARDED).sweeper]
        reminders = list(await asyncio.gather(*(sweeper.run(REMINDER) for sweeper in sweepers)))
        reminders.append(await env.sweeper.run(REMINDER + timedelta(minutes=1)))
        overdue = list(await asyncio.gather(*(sweeper.run(DUE) for sweeper in reversed(sweepers))))
        overdue.append(await other.sweeper.run(DUE + timedelta(minutes=1)))
    finally:
        await other_db.close()

    assert sum(report.reminders for report in reminders) == 5
    assert sum(report.escalations for report in overdue) == 5
    if not database_url.startswith("sqlite"):
        assert sum(report.failures for report in (*reminders, *overdue)) == 0
    rows = await env.outbox(after=start)
    for ticket_id in tickets:
        mine = [row for row in rows if row.ticket_id == ticket_id]
        assert [row.chat_id for row in mine if row.link_kind == LinkKind.ESCALATION] == [PROVINCE_CHAT]
        assert len([row for row in mine if "còn" in str(row.payload.get("text"))]) == 1


async def test_a_ticket_nobody_took_by_its_first_response_deadline_is_flagged_once(env: Env) -> None:
    ticket_id = await env.ticket(when=FORWARDED, acknowledged=False)
    first_due = (await env.get(ticket_id)).first_response_due
    assert first_due == at("2026-12-02 09:00"), "one working day"
    start = await env.last_outbox_id()

    early = await env.sweeper.run(first_due - timedelta(seconds=1))
    assert early.first_response_late == 0
    first = await env.sweeper.run(first_due)
    second = await env.sweeper.run(first_due + timedelta(hours=1))
    assert (first.first_response_late, second.first_response_late) == (1, 0)
    [text] = await env.texts(COMMUNE_CHAT, after=start)
    assert text == (
        f"⏳ Phản ánh #{ticket_id}: chưa có cán bộ nhận xử lý; hạn phản hồi đầu tiên là 02/12 09:00. "
        "Hãy bấm 🙋 Nhận xử lý trên thẻ phản ánh."
    )

    taken = await env.ticket(when=FORWARDED, acknowledged=False)
    await env.update(taken, status=TicketStatus.ASSIGNED, first_response_at=FORWARDED + timedelta(hours=1))
    assert (await env.sweeper.run(first_due + timedelta(hours=2))).first_response_late == 0
