"""Deadlines are set in working time when a ticket is forwarded: topic defaults, urgent, unit overrides."""

from __future__ import annotations

from storage.database import Database
from tests.sla.helpers import NGHIA_KHANH, Env, at, setup_env


async def test_a_ticket_gets_five_working_days_to_answer_and_one_to_acknowledge(env: Env) -> None:
    ticket = await env.get(await env.ticket("transport", when=at("2026-12-01 09:00")))  # a Tuesday

    assert ticket.forwarded_at == at("2026-12-01 09:00")
    assert ticket.first_response_due == at("2026-12-02 09:00")
    assert ticket.answer_due == at("2026-12-08 09:00"), "5 working days: Tuesday to next Tuesday"


async def test_an_urgent_ticket_gets_four_working_hours_over_the_lunch_break(env: Env) -> None:
    ticket = await env.get(await env.ticket("transport", urgent=True, when=at("2026-12-01 09:00")))

    # 09:00–11:30 is 2.5 h, then 1.5 h from 13:30.
    assert ticket.answer_due == at("2026-12-01 15:00")
    assert ticket.first_response_due == at("2026-12-01 15:00")


async def test_the_units_override_wins_over_the_topic_default(env: Env) -> None:
    transport = await env.get(await env.ticket("transport", ward=NGHIA_KHANH, when=at("2026-12-01 09:00")))
    land = await env.get(await env.ticket("land", ward=NGHIA_KHANH, when=at("2026-12-01 09:00")))

    assert transport.unit_id == "nghia-khanh"
    assert transport.answer_due == at("2026-12-04 09:00"), "sla: {transport: 3d}"
    assert land.answer_due == at("2026-12-07 09:00"), 'sla: {"*": 4d}, over the weekend'
    assert land.first_response_due == at("2026-12-02 09:00")


async def test_an_urgent_ticket_forwarded_on_friday_afternoon_is_due_on_monday(env: Env) -> None:
    ticket = await env.get(await env.ticket("transport", urgent=True, when=at("2026-12-04 15:00")))

    # Friday 15:00–17:00 is 2 h; the weekend does not count; Monday 07:30 + 2 h.
    assert ticket.answer_due == at("2026-12-07 09:30")


async def test_a_ticket_forwarded_before_tet_is_due_after_the_holiday(env: Env) -> None:
    ticket = await env.get(await env.ticket("transport", when=at("2027-02-03 14:00")))

    # A working day is 7.5 h. Wed 3/2: 3 h; 4–10/2 is Tết and a weekend; then 4.5 h on Thu 11/2 for
    # the first response; for the answer 11, 12, 15, 16/2 (30 h) and 4.5 h on Wed 17/2.
    assert ticket.first_response_due == at("2027-02-11 14:00")
    assert ticket.answer_due == at("2027-02-17 14:00")


async def test_a_ticket_moved_to_another_unit_keeps_its_deadline(env: Env) -> None:
    ticket_id = await env.ticket("transport", when=at("2026-12-01 09:00"))
    env.clock.now = at("2026-12-02 10:00")
    async with env.core.unit_of_work() as work:
        ticket = await work.tickets.get(ticket_id)
        assert ticket is not None
        await env.forwarding.forward_to(work, ticket, "nghia-khanh", None)

    moved = await env.get(ticket_id)
    assert moved.unit_id == "nghia-khanh"
    assert moved.answer_due == at("2026-12-08 09:00")


async def test_a_ticket_routed_later_counts_from_when_it_reached_a_unit(db: Database) -> None:
    env = await setup_env(db, at("2026-12-01 09:00"))
    ticket_id = await env.ticket("transport", when=at("2026-12-01 09:00"))
    await env.update(ticket_id, status="new", unit_id=None, forwarded_at=None, answer_due=None)
    env.clock.now = at("2026-12-03 13:30")
    async with env.core.unit_of_work() as work:
        ticket = await work.tickets.get(ticket_id)
        assert ticket is not None
        await env.forwarding.forward_to(work, ticket, "vinh-tuong", None)

    routed = await env.get(ticket_id)
    assert routed.forwarded_at == at("2026-12-03 13:30")
    assert routed.answer_due == at("2026-12-10 11:30"), "3.5 h on Thursday, 4 × 7.5 h, then 4 h"
