"""Officials' actions at the service level, on SQLite and PostgreSQL: state, audit, outbox, refusals."""

from __future__ import annotations

from sqlalchemy import select

from bot.i18n import render
from bot.services.workflow import Result
from bot.workflow.states import NEEDS_ANSWER_OR_NOTE
from storage.models import CorrectionExample, LinkKind, TicketStatus
from tests.support.org import (
    ADMIN,
    COMMUNE_CADRE,
    COMMUNE_CHAT,
    LAN,
    PROVINCE_CADRE,
    PROVINCE_CHAT,
    STRANGER,
    WATER_CADRE,
    WATER_CHAT,
)
from tests.workflow_actions.conftest import EXTRA_ADMIN, World, official

CADRE = official(COMMUNE_CADRE, "Cán bộ xã")


def texts(rows: object) -> list[str]:
    return [str(row.payload.get("text", "")) for row in rows]  # type: ignore[attr-defined]


async def test_take_assigns_tells_the_citizen_the_unit_and_is_audited(world: World) -> None:
    number = await world.report()
    mark = await world.mark()
    outcome = await world.actions.take(number, CADRE)
    assert outcome.result is Result.DONE

    ticket = await world.ticket(number)
    assert ticket.status == TicketStatus.ASSIGNED and ticket.assignee_id == COMMUNE_CADRE
    assert ticket.first_response_at is not None
    [told] = await world.outbox(LAN, since=mark)
    assert "UBND xã Vĩnh Tường" in told.payload["text"] and "Cán bộ xã" not in told.payload["text"]
    assert any("Cán bộ xã" in text for text in texts(await world.outbox(COMMUNE_CHAT, since=mark)))
    assert [e.action for e in await world.events(number)][-1] == "taken"


async def test_a_second_take_is_refused_and_changes_nothing(world: World) -> None:
    number = await world.report()
    await world.actions.take(number, CADRE)
    first = (await world.ticket(number)).first_response_at
    mark = await world.mark()

    again = await world.actions.take(number, official(PROVINCE_CADRE))
    assert again.result is Result.REFUSED and again.reason is not None
    assert "taken" in again.reason
    ticket = await world.ticket(number)
    assert ticket.assignee_id == COMMUNE_CADRE and ticket.first_response_at == first
    assert await world.outbox(since=mark) == []
    assert (await world.events(number))[-1].action == "action_refused"


async def test_permissions(world: World) -> None:
    number = await world.report()
    for outsider in (STRANGER, WATER_CADRE):
        mark = await world.mark()
        outcome = await world.actions.take(number, official(outsider))
        assert outcome.result is Result.NOT_ALLOWED
        assert await world.outbox(since=mark) == []
    assert (await world.ticket(number)).status == TicketStatus.FORWARDED

    assert (await world.actions.note(number, official(PROVINCE_CADRE), "tỉnh theo dõi")).result is Result.DONE
    assert (await world.actions.note(number, official(ADMIN), "quản trị")).result is Result.DONE
    assert (await world.actions.take(number, official(EXTRA_ADMIN))).result is Result.DONE
    assert (await world.actions.take(12345, CADRE)).result is Result.NOT_A_TICKET


async def test_done_needs_an_answer_or_a_resolution_note(world: World) -> None:
    number = await world.report()
    refused = await world.actions.done(number, CADRE)
    assert refused.result is Result.REFUSED and refused.reason == NEEDS_ANSWER_OR_NOTE
    assert (await world.ticket(number)).status == TicketStatus.FORWARDED

    mark = await world.mark()
    assert (await world.actions.done(number, CADRE, "Đã vá xong ổ gà.")).result is Result.DONE
    ticket = await world.ticket(number)
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution_note == "Đã vá xong ổ gà."
    assert ticket.resolved_at is not None
    to_citizen = await world.outbox(LAN, since=mark)
    assert "Đã vá xong ổ gà." in to_citizen[0].payload["text"]
    assert to_citizen[-1].link_kind == LinkKind.QUESTION and "reply_markup" in to_citizen[-1].payload

    twice = await world.actions.done(number, CADRE, "lần nữa")
    assert twice.result is Result.REFUSED
    assert render("vi", twice.reason or "") != twice.reason, "the reason is translated"


async def test_done_after_an_answer_of_a_taken_ticket(world: World) -> None:
    number = await world.report()
    await world.actions.take(number, CADRE)
    taken_at = (await world.ticket(number)).first_response_at
    await world.answer(number)
    ticket = await world.ticket(number)
    assert ticket.status == TicketStatus.ANSWERED and ticket.first_response_at == taken_at
    assert (await world.actions.done(number, CADRE)).result is Result.DONE
    assert (await world.ticket(number)).status == TicketStatus.RESOLVED


async def test_reassign_moves_the_card_and_the_history_and_tells_the_old_chat(world: World) -> None:
    number = await world.report()
    await world.actions.take(number, CADRE)
    await world.actions.note(number, CADRE, "Đã gọi cho tổ nước")
    await world.actions.ask_info(number, CADRE, "Đoạn nào ạ?")

    choices = await world.actions.reassign_choices(number, CADRE)
    assert choices.result is Result.CHOOSE
    units = [unit for unit, _ in choices.choices]
    assert units == ["nghe-an", "nghia-khanh", "vinh-tuong-water"], "parent, siblings, children"

    async with world.core.unit_of_work() as work:  # what the outbox records once the card is sent
        await work.tickets.link(COMMUNE_CHAT, 55, number, LinkKind.CARD)
    mark = await world.mark()
    assert (await world.actions.reassign(number, CADRE, "vinh-tuong-water")).result is Result.DONE
    ticket = await world.ticket(number)
    assert ticket.unit_id == "vinh-tuong-water" and ticket.status == TicketStatus.FORWARDED
    assert ticket.assignee_id is None
    water = await world.outbox(WATER_CHAT, since=mark)
    assert [row.method for row in water] == ["sendMessage", "copyMessage", "sendMessage"]
    assert water[0].link_kind == LinkKind.CARD and all(row.in_ticket_thread for row in water)
    assert "Đã gọi cho tổ nước" in water[-1].payload["text"] and "Đoạn nào ạ?" in water[-1].payload["text"]
    commune = await world.outbox(COMMUNE_CHAT, since=mark)
    assert any("Tổ nước sạch" in text for text in texts(commune))
    [edit] = [row for row in commune if row.method == "editMessageText"]
    assert edit.payload["message_id"] == 55 and "reply_markup" not in edit.payload
    assert "Đã chuyển sang Tổ nước sạch" in edit.payload["text"]
    assert "reassigned" in [e.action for e in await world.events(number)]


async def test_reassign_refusals(world: World) -> None:
    number = await world.report()
    assert (await world.actions.reassign(number, CADRE, "no-such-unit")).result is Result.INVALID
    assert (await world.actions.reassign(number, CADRE, "vinh-tuong")).result is Result.UNCHANGED
    await world.actions.reassign(number, CADRE, "vinh-tuong-water")
    far = await world.actions.reassign(number, official(WATER_CADRE), "nghia-khanh")
    assert far.result is Result.NOT_ALLOWED, "not a neighbour, and not a unit the official may act on"
    assert (
        await world.actions.reassign(number, official(PROVINCE_CADRE), "nghia-khanh")
    ).result is Result.DONE

    answered = await world.report("Đèn đường thôn 2 xã Hội Sơn, huyện Anh Sơn hỏng.")
    await world.answer(answered)
    refused = await world.actions.reassign(answered, CADRE, "nghe-an")
    assert refused.result is Result.REFUSED
    assert (await world.ticket(answered)).unit_id == "vinh-tuong"


async def test_topic_retag_reroutes_and_stores_the_correction(world: World) -> None:
    number = await world.report()
    assert (await world.actions.retag_topic(number, CADRE, "nonsense")).result is Result.INVALID
    old = (await world.ticket(number)).topic
    assert (await world.actions.retag_topic(number, CADRE, old)).result is Result.UNCHANGED

    mark = await world.mark()
    assert (await world.actions.retag_topic(number, CADRE, "water")).result is Result.DONE
    ticket = await world.ticket(number)
    assert ticket.topic == "water" and ticket.unit_id == "vinh-tuong-water"
    assert (await world.outbox(WATER_CHAT, since=mark))[0].link_kind == LinkKind.CARD
    async with world.core.unit_of_work() as work:
        [correction] = (await work.session.execute(select(CorrectionExample))).scalars().all()
    assert (correction.field, correction.old_value, correction.new_value) == ("topic", old, "water")
    assert correction.actor_id == COMMUNE_CADRE and "ổ gà" in correction.text


async def test_retag_of_a_resolved_ticket_is_refused_and_stores_nothing(world: World) -> None:
    number = await world.report()
    await world.actions.done(number, CADRE, "xong")
    refused = await world.actions.retag_topic(number, CADRE, "education")
    assert refused.result is Result.REFUSED
    assert (await world.ticket(number)).topic != "education"
    async with world.core.unit_of_work() as work:
        assert (await work.session.execute(select(CorrectionExample))).scalars().all() == []


async def test_locality_retag_by_code_and_by_name(world: World) -> None:
    number = await world.report()
    assert (await world.actions.retag_locality(number, CADRE, "Không Có Nơi Này")).result is Result.INVALID
    mark = await world.mark()
    assert (await world.actions.retag_locality(number, CADRE, "17032")).result is Result.DONE
    ticket = await world.ticket(number)
    assert ticket.ward_code == 17032 and ticket.unit_id == "nghe-an" and ticket.locality_source == "staff"
    assert (await world.outbox(PROVINCE_CHAT, since=mark))[0].link_kind == LinkKind.CARD

    province = official(PROVINCE_CADRE)
    assert (await world.actions.retag_locality(number, province, "Hội Sơn")).result is Result.DONE
    assert (await world.ticket(number)).unit_id == "vinh-tuong"
    assert (await world.actions.set_ward(number, province, 17357)).result is Result.UNCHANGED
    assert (await world.actions.set_ward(number, province, 1)).result is Result.INVALID


async def test_info_round_trip(world: World) -> None:
    number = await world.report()
    mark = await world.mark()
    assert (await world.actions.ask_info(number, CADRE, "  ")).result is Result.INVALID
    assert (await world.actions.ask_info(number, CADRE, "Đoạn đường nào ạ?")).result is Result.DONE
    assert (await world.ticket(number)).first_response_at is not None
    [question] = await world.outbox(LAN, since=mark)
    assert question.link_kind == LinkKind.QUESTION and "Đoạn đường nào ạ?" in question.payload["text"]

    async with world.core.unit_of_work() as work:  # what the outbox records once the question is sent
        await work.tickets.link(LAN, 777, number, LinkKind.QUESTION)
    mark = await world.mark()
    assert await world.report("Đoạn gần chợ.", reply_to=777) == number
    staff = await world.outbox(COMMUNE_CHAT, since=mark)
    assert [row.method for row in staff] == ["sendMessage", "copyMessage"]
    assert staff[1].payload["from_chat_id"] == LAN


async def test_notes_stay_with_staff(world: World) -> None:
    number = await world.report()
    mark = await world.mark()
    assert (await world.actions.note(number, CADRE, "bí mật nội bộ", message_id=42)).result is Result.DONE
    assert (await world.actions.note(number, CADRE, "")).result is Result.INVALID
    assert await world.outbox(LAN, since=mark) == []
    [notice] = await world.outbox(COMMUNE_CHAT, since=mark)
    assert "bí mật" not in notice.payload["text"]
    assert notice.payload["reply_parameters"]["message_id"] == 42
    event = (await world.events(number))[-1]
    assert event.action == "note" and event.data["text"] == "bí mật nội bộ"
    assert (await world.ticket(number)).status == TicketStatus.FORWARDED
