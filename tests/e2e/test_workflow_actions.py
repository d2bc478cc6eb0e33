"""Officials act on a ticket: take, reassign, retag, ask the citizen, note, mark done — by the card's buttons
and by commands written as replies (or inside the ticket's forum topic); every refusal changes nothing."""

from __future__ import annotations

from typing import Any

from bot.app import Application
from sandbox.calls import Call
from sandbox.driver import Sandbox
from sandbox.people import Person
from tests.e2e.harness import NGHIA_KHANH, WAIT, World, text_of

ROAD = "Đường liên thôn ở xã Hội Sơn, huyện Anh Sơn có nhiều ổ gà, đi lại khó khăn."
WATER = "Nước sinh hoạt ở xã Hội Sơn, huyện Anh Sơn mất ba ngày nay rồi."
COMMUNE = "UBND xã Vĩnh Tường"
WATER_UNIT = "Tổ nước sạch xã Vĩnh Tường"

TAKE, MOVE, DONE = "🙋 Nhận xử lý", "↪️ Chuyển đơn vị", "✅ Đã giải quyết"


def is_card(call: Call) -> bool:
    return "📨 <b>Phản ánh #1</b>" in text_of(call)


def buttons(call: Call) -> list[str]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def forge(sb: Sandbox, person: Person, message: dict[str, Any], data: str) -> dict[str, Any]:
    """A callback query with made-up data on a bot message (what a modified client could send)."""
    return await person.press_forged(message, data)


async def answered(sb: Sandbox, query: dict[str, Any]) -> dict[str, Any]:
    await sb.wait_for("answerCallbackQuery", where=lambda c: c.params.get("callback_query_id") == query["id"])
    answer = sb.callback_answer(query)
    assert answer is not None
    return answer


async def road_card(sb: Sandbox, world: World) -> Call:
    """Lan's road reflection (#1), carded in the commune's staff chat."""
    await world.lan.say(world.dm_lan, ROAD)
    return await sb.wait_for("sendMessage", chat=world.commune_staff, where=is_card, timeout=WAIT)


def citizen_texts(sb: Sandbox, world: World, since: int = 0) -> list[str]:
    return [text_of(call) for call in sb.calls_to(chat=world.dm_lan, since=since)]


async def test_take_by_button_tells_the_citizen_the_unit_and_staff_the_official(
    sb: Sandbox, world: World, app: Application
) -> None:
    card = await road_card(sb, world)
    assert buttons(card) == [TAKE, MOVE, DONE]
    assert "Trạng thái: đã chuyển đơn vị xử lý" in text_of(card)

    query = await world.commune_cadre.press(card.result, TAKE)
    assert (await answered(sb, query)).get("text") == "✅ Đã xong."
    told = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "đã tiếp nhận" in text_of(c))
    assert f"{COMMUNE} đã tiếp nhận và đang xử lý phản ánh #1" in text_of(told)
    assert "Cán bộ xã" not in text_of(told), "the citizen sees the unit, never the official"

    edited = await sb.wait_for("editMessageText", chat=world.commune_staff)
    assert "Đang xử lý: Cán bộ xã" in text_of(edited) and "Trạng thái: đang xử lý" in text_of(edited)
    assert buttons(edited) == [MOVE, DONE], "a taken ticket cannot be taken again"
    notice = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "đang xử lý phản ánh #1" in text_of(c)
    )
    assert "Cán bộ xã" in text_of(notice)


async def test_take_by_command_and_a_second_take_is_refused(
    sb: Sandbox, world: World, app: Application
) -> None:
    card = await road_card(sb, world)
    copy = await sb.wait_for("copyMessage", chat=world.commune_staff)
    copied = sb.message(world.commune_staff, copy.result["message_id"])

    await world.commune_cadre.reply(world.commune_staff, to=copied, text="/take")
    await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "đã tiếp nhận" in text_of(c))

    mark = sb.mark()
    await world.province_cadre.reply(world.commune_staff, to=card.result, text="/take")
    refused = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Không thực hiện" in text_of(c)
    )
    assert "chưa có người nhận" in text_of(refused)
    assert len([t for t in citizen_texts(sb, world, mark) if "đã tiếp nhận" in t]) == 0


async def test_permissions_are_checked_on_the_server(sb: Sandbox, world: World, app: Application) -> None:
    card = await road_card(sb, world)

    stranger = await world.stranger.press(card.result, TAKE)
    answer = await answered(sb, stranger)
    assert "Chỉ cán bộ" in str(answer.get("text")) and answer.get("show_alert")

    await world.water_cadre.say(world.water_staff, "/take")  # not about any ticket
    usage = await sb.wait_for(
        "sendMessage", chat=world.water_staff, where=lambda c: "Hãy trả lời" in text_of(c)
    )
    forged = await forge(sb, world.water_cadre, usage.result, "st:1:take:")
    assert "Chỉ cán bộ" in str((await answered(sb, forged)).get("text")), "an official of another unit"
    nonsense = await forge(sb, world.commune_cadre, card.result, "st:1:launch:rockets")
    assert "không còn hiệu lực" in str((await answered(sb, nonsense)).get("text"))
    not_a_number = await forge(sb, world.commune_cadre, card.result, "st:x:take:")
    await answered(sb, not_a_number)
    assert not [t for t in citizen_texts(sb, world) if "đã tiếp nhận" in t], "nothing changed"

    await world.province_cadre.reply(world.commune_staff, to=card.result, text="/take")
    told = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "đã tiếp nhận" in text_of(c))
    assert COMMUNE in text_of(told), "an official of a unit above may act; the handling unit is named"

    await world.admin.reply(world.commune_staff, to=card.result, text="/done Đã lấp ổ gà.")
    resolved = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Kết quả" in text_of(c))
    assert "Đã lấp ổ gà." in text_of(resolved)


async def test_done_needs_an_answer_or_a_note_then_asks_the_citizen_for_a_verdict(
    sb: Sandbox, world: World, app: Application
) -> None:
    card = await road_card(sb, world)
    early = await world.commune_cadre.press(card.result, DONE)
    answer = await answered(sb, early)
    assert "hãy gửi câu trả lời hoặc ghi chú kết quả" in str(answer.get("text")) and answer.get("show_alert")

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="Tuần sau xã sẽ vá đường.")
    await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c))
    await world.commune_cadre.press(card.result, DONE)
    resolved = await sb.wait_for(
        "sendMessage", chat=world.dm_lan, where=lambda c: "đã giải quyết" in text_of(c) and "#1" in text_of(c)
    )
    assert COMMUNE in text_of(resolved)
    verdict = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "chấm điểm" in text_of(c))
    assert "✅" in " ".join(buttons(verdict))
    edited = await sb.wait_for(
        "editMessageText", chat=world.commune_staff, where=lambda c: "Trạng thái: đã giải quyết" in text_of(c)
    )
    assert buttons(edited) == []

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/done")
    again = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Không thực hiện" in text_of(c)
    )
    assert "đã được giải quyết" in text_of(again) or "đã giải quyết" in text_of(again)


async def test_internal_notes_never_reach_the_citizen(sb: Sandbox, world: World, app: Application) -> None:
    card = await road_card(sb, world)
    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="!Người này gọi điện nhiều lần")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "ghi chú nội bộ" in text_of(c))
    await world.commune_cadre.reply(
        world.commune_staff, to=card.result, text="/note Cần kiểm tra hiện trường"
    )
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "ghi chú nội bộ" in text_of(c))
    await world.commune_cadre.send_photo(
        world.commune_staff, caption="!Ảnh hiện trường nội bộ", reply_to=card.result
    )
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "ghi chú nội bộ" in text_of(c))
    await world.stranger.reply(world.commune_staff, to=card.result, text="/note Tôi không phải cán bộ")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Chỉ cán bộ" in text_of(c))

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="Xã đã ghi nhận.")
    await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Xã đã ghi nhận." in text_of(c))
    everything = " ".join(str(call.params) for call in sb.calls if call.chat_id == world.dm_lan.id)
    for secret in ("gọi điện nhiều lần", "kiểm tra hiện trường", "không phải cán bộ", "Ảnh hiện trường"):
        assert secret not in everything
    assert not [call for call in sb.calls_to("copyMessage", chat=world.dm_lan)], (
        "the photo note stays with staff"
    )


async def test_info_round_trip_reaches_the_citizen_and_their_reply_the_staff(
    sb: Sandbox, world: World, app: Application
) -> None:
    card = await road_card(sb, world)
    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/info Đoạn đường nào ạ?")
    question = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "hỏi thêm" in text_of(c))
    assert "Đoạn đường nào ạ?" in text_of(question) and COMMUNE in text_of(question)
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Đã gửi câu hỏi" in text_of(c))

    reply = await world.lan.reply(world.dm_lan, to=question.result, text="Đoạn gần chợ Hội Sơn.")
    more = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "bổ sung cho phản ánh #1" in text_of(c)
    )
    assert more
    copy = await sb.wait_for(
        "copyMessage", chat=world.commune_staff, where=lambda c: c.params["message_id"] == reply["message_id"]
    )
    assert copy.params["from_chat_id"] == world.dm_lan.id
    assert all("#2" not in t for t in citizen_texts(sb, world)), "the reply joins #1, it opens nothing new"

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/info")
    usage = await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "/info" in text_of(c))
    assert "Cách dùng" in text_of(usage)


async def test_reassign_by_buttons_moves_the_ticket_to_the_water_forum_with_its_history(
    sb: Sandbox, world: World, app: Application
) -> None:
    card = await road_card(sb, world)
    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="!Đã gọi cho tổ nước")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "ghi chú nội bộ" in text_of(c))

    await world.commune_cadre.press(card.result, MOVE)
    menu = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Chuyển phản ánh" in text_of(c)
    )
    assert buttons(menu) == ["UBND tỉnh Nghệ An", WATER_UNIT], "parent, then children"
    await world.commune_cadre.press(menu.result, WATER_UNIT)

    topic = await sb.wait_for("createForumTopic", chat=world.water_staff)
    moved = await sb.wait_for("sendMessage", chat=world.water_staff, where=is_card)
    assert moved.params["message_thread_id"] == topic.result["message_thread_id"]
    assert buttons(moved) == [TAKE, MOVE, DONE]
    copy = await sb.wait_for("copyMessage", chat=world.water_staff)
    assert copy.params["from_chat_id"] == world.dm_lan.id
    history = await sb.wait_for(
        "sendMessage", chat=world.water_staff, where=lambda c: "Diễn biến" in text_of(c)
    )
    assert "Đã gọi cho tổ nước" in text_of(history)
    told = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "đã chuyển sang" in text_of(c)
    )
    assert WATER_UNIT in text_of(told)
    old_card = await sb.wait_for(
        "editMessageText", chat=world.commune_staff, where=lambda c: "Đã chuyển sang" in text_of(c)
    )
    assert old_card.params["message_id"] == card.result["message_id"] and buttons(old_card) == []

    thread = topic.result["message_thread_id"]
    await world.water_cadre.say(world.water_staff, "/take", topic=thread)
    taken = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "đã tiếp nhận" in text_of(c))
    assert WATER_UNIT in text_of(taken), "commands work inside the ticket's topic"


async def test_reassign_by_command(sb: Sandbox, world: World, app: Application) -> None:
    card = await road_card(sb, world)
    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/reassign khong-co")
    unknown = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Không có đơn vị" in text_of(c)
    )
    assert unknown
    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/reassign nghe-an")
    moved = await sb.wait_for("sendMessage", chat=world.province_staff, where=is_card)
    assert "Trạng thái: đã chuyển đơn vị xử lý" in text_of(moved)

    await world.province_cadre.reply(world.province_staff, to=moved.result, text="/reassign vinh-tuong-water")
    await sb.wait_for("sendMessage", chat=world.water_staff, where=is_card)


async def test_topic_retag_reroutes_a_commune_ticket_to_the_water_forum(
    sb: Sandbox, world: World, app: Application
) -> None:
    card = await road_card(sb, world)
    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/topic nonsense")
    usage = await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "/topic" in text_of(c))
    assert "water" in text_of(usage)

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="/topic water")
    moved = await sb.wait_for("sendMessage", chat=world.water_staff, where=is_card)
    assert "Chủ đề: Nước sạch" in text_of(moved) or "Nước" in text_of(moved)
    notice = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "đổi chủ đề" in text_of(c)
    )
    assert "Cán bộ xã" in text_of(notice)


async def test_locality_retag_by_code_and_by_name(sb: Sandbox, world: World, app: Application) -> None:
    card = await road_card(sb, world)
    await world.commune_cadre.reply(
        world.commune_staff, to=card.result, text="/locality Không Có Nơi Này Đâu"
    )
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "/locality" in text_of(c))

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text=f"/locality {NGHIA_KHANH}")
    moved = await sb.wait_for("sendMessage", chat=world.province_staff, where=is_card)
    assert "Xã Nghĩa Khánh, Nghệ An" in text_of(moved)

    await world.province_cadre.reply(world.province_staff, to=moved.result, text="/locality Hội Sơn")
    back = await sb.wait_for("sendMessage", chat=world.commune_staff, where=is_card)
    assert "Xã Vĩnh Tường, Nghệ An" in text_of(back)
