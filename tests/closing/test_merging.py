"""Duplicate suggestions on intake, merging, and the answer reaching every merged citizen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.services.incoming import ChatKind, IncomingMessage, Person
from bot.services.merging import MergeResult, configured_threshold, without_place_names
from storage.models import MessageLink, OutboxMessage, Ticket, TicketStatus
from tests.closing.conftest import LAMP, LAMP_AGAIN, POLE, Closing, texts
from tests.support.org import COMMUNE_CADRE, COMMUNE_CHAT, LAN, MINH, STRANGER, VILLAGE, WATER_CADRE


def merge_buttons(card: OutboxMessage) -> list[dict[str, Any]]:
    rows = card.payload.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row if button["callback_data"].startswith("mg:")]


def test_the_threshold_comes_from_the_taxonomy_file() -> None:
    assert configured_threshold() == 0.4


async def test_a_similar_report_gets_possible_duplicate_and_a_merge_button(closing: Closing) -> None:
    first = await closing.report(LAN, LAMP)
    mark = await closing.last_outbox_id()
    second = await closing.report(MINH, LAMP_AGAIN, language="en")
    [card] = [
        row
        for row in await closing.outbox(COMMUNE_CHAT, since=mark)
        if "Phản ánh #" in row.payload.get("text", "")
    ]
    assert f"Có thể trùng #{first}" in card.payload["text"]
    [merge] = merge_buttons(card)
    assert merge["text"] == f"🔁 Gộp với #{first}"
    assert merge["callback_data"] == f"mg:{second}:{first}"

    mark = await closing.last_outbox_id()
    third = await closing.report(STRANGER, POLE)
    [card] = [
        row
        for row in await closing.outbox(COMMUNE_CHAT, since=mark)
        if "Phản ánh #" in row.payload.get("text", "")
    ]
    assert "trùng" not in card.payload["text"] and not merge_buttons(card)
    assert third > second


async def test_old_or_closed_tickets_are_not_suggested(closing: Closing) -> None:
    first = await closing.report(LAN, LAMP)
    await closing.set_status(first, TicketStatus.CLOSED)
    old = await closing.report(LAN, LAMP)
    async with closing.core.unit_of_work() as work:
        ticket = await work.session.get(Ticket, old)
        assert ticket is not None
        ticket.created_at = datetime.now(UTC) - timedelta(days=15)
    mark = await closing.last_outbox_id()
    await closing.report(MINH, LAMP_AGAIN)
    assert not any("trùng" in text for text in texts(await closing.outbox(COMMUNE_CHAT, since=mark)))


async def test_merge_links_the_tickets_and_tells_the_citizen_and_the_staff(closing: Closing) -> None:
    first = await closing.report(LAN, LAMP)
    second = await closing.report(MINH, LAMP_AGAIN, language="en")
    mark = await closing.last_outbox_id()

    refused = await closing.merging.merge(second, first, WATER_CADRE)
    assert refused.result is MergeResult.NOT_ALLOWED, "an official of a unit below has no say"

    outcome = await closing.merging.merge(second, first, COMMUNE_CADRE)
    assert outcome.result is MergeResult.MERGED and outcome.count == 2
    duplicate = await closing.ticket(second)
    assert duplicate.status == TicketStatus.MERGED and duplicate.merged_into_id == first
    assert "merged" in await closing.actions(second) and "merge_received" in await closing.actions(first)
    [told] = texts(await closing.outbox(MINH, since=mark))
    assert f"#{second}" in told and f"#{first}" in told and "merged" in told, "in the citizen's language"
    staff = texts(await closing.outbox(COMMUNE_CHAT, since=mark))
    assert any("Số người dân cùng phản ánh: 2" in text for text in staff)


async def test_illegal_merges_are_refused(closing: Closing) -> None:
    first = await closing.report(LAN, LAMP)
    second = await closing.report(MINH, LAMP_AGAIN)
    third = await closing.report(STRANGER, LAMP_AGAIN)
    closed = await closing.report(STRANGER, POLE)
    await closing.set_status(closed, TicketStatus.CLOSED)

    itself = await closing.merging.merge(first, first, COMMUNE_CADRE)
    assert itself.result is MergeResult.REFUSED and "chính nó" in itself.text
    into_closed = await closing.merging.merge(second, closed, COMMUNE_CADRE)
    assert into_closed.result is MergeResult.REFUSED and f"#{closed}" in into_closed.text
    missing = await closing.merging.merge(second, 999, COMMUNE_CADRE)
    assert missing.result is MergeResult.NOT_FOUND

    assert (await closing.merging.merge(second, first, COMMUNE_CADRE)).result is MergeResult.MERGED
    again = await closing.merging.merge(second, third, COMMUNE_CADRE)
    assert again.result is MergeResult.REFUSED and "gộp" in again.text
    chain = await closing.merging.merge(third, second, COMMUNE_CADRE)
    assert chain.result is MergeResult.REFUSED and f"#{first}" in chain.text
    assert (await closing.ticket(third)).status == TicketStatus.FORWARDED
    assert (await closing.ticket(second)).merged_into_id == first


async def test_merging_a_main_ticket_moves_its_merged_tickets_along(closing: Closing) -> None:
    first = await closing.report(LAN, LAMP)
    second = await closing.report(MINH, LAMP_AGAIN)
    third = await closing.report(STRANGER, LAMP_AGAIN)
    assert (await closing.merging.merge(third, second, COMMUNE_CADRE)).result is MergeResult.MERGED
    outcome = await closing.merging.merge(second, first, COMMUNE_CADRE)
    assert outcome.result is MergeResult.MERGED and outcome.count == 3
    assert (await closing.ticket(third)).merged_into_id == first


async def test_the_answer_to_the_main_ticket_reaches_every_merged_citizen(closing: Closing) -> None:
    first = await closing.report(LAN, LAMP)
    second = await closing.report(MINH, LAMP_AGAIN, chat=VILLAGE, language="en")
    assert (await closing.merging.merge(second, first, COMMUNE_CADRE)).result is MergeResult.MERGED
    async with closing.core.unit_of_work() as work:
        work.session.add(MessageLink(chat_id=COMMUNE_CHAT, message_id=500, ticket_id=first, kind="card"))
    mark = await closing.last_outbox_id()

    answer = IncomingMessage(
        chat_id=COMMUNE_CHAT,
        chat_kind=ChatKind.STAFF,
        message_id=501,
        author=Person(id=COMMUNE_CADRE, display_name="Cán bộ"),
        sent_at=datetime.now(UTC),
        text="Đã thay bóng đèn hôm nay.",
        reply_to_message_id=500,
        replies_to_bot=True,
    )
    await closing.answers.relay(answer)
    [to_lan] = texts(await closing.outbox(LAN, since=mark))
    assert "Đã thay bóng đèn hôm nay." in to_lan and f"#{first}" in to_lan
    [to_group] = [row for row in await closing.outbox(VILLAGE, since=mark) if row.method == "sendMessage"]
    assert (
        "Đã thay bóng đèn hôm nay." in to_group.payload["text"] and f"#{second}" in to_group.payload["text"]
    )
    assert (
        to_group.payload["reply_parameters"]["message_id"] == (await closing.ticket(second)).source_message_id
    )
    assert "answer_relayed" in await closing.actions(second)


def test_place_names_do_not_count_in_the_similarity() -> None:
    assert without_place_names(LAMP) == "Đèn đường thôn 2 hỏng mấy hôm nay, buổi tối đi lại rất tối."
    assert without_place_names("Ở thành phố Vinh, tỉnh Nghệ An xã không có đèn") == "Ở xã không có đèn"
    assert without_place_names("thành công, xã hội") == "thành công, xã hội"
