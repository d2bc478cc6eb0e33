"""A citizen in a private chat: acknowledgement, card in the unit's staff chat, answer back."""

from __future__ import annotations

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import WAIT, World, text_of

LANDSLIDE = (
    "Đường liên xã qua xã Hội Sơn, huyện Anh Sơn bị sạt lở một đoạn dài, xe máy vẫn đi qua rất nguy hiểm."
)


async def test_reflection_is_acknowledged_carded_and_answered(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, LANDSLIDE)

    ack = await sb.wait_for("sendMessage", chat=world.dm_lan, timeout=WAIT)
    assert "#1" in text_of(ack)
    assert "Giao thông" in text_of(ack) and "Xã Vĩnh Tường, Nghệ An" in text_of(ack)
    assert "UBND xã Vĩnh Tường" in text_of(ack)

    card = await sb.wait_for("sendMessage", chat=world.commune_staff, timeout=WAIT)
    assert "Phản ánh #1" in text_of(card)
    assert "KHẨN CẤP" in text_of(card)
    assert "Lan Nguyễn (@lan_nguyen)" in text_of(card)
    copy = await sb.wait_for("copyMessage", chat=world.commune_staff, timeout=WAIT)
    assert copy.params["from_chat_id"] == world.dm_lan.id

    await world.commune_cadre.reply(
        world.commune_staff, to=card.result, text="Xã đã cử người rào chắn, sẽ sửa trong tuần."
    )
    answer = await sb.wait_for(
        "sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c), timeout=WAIT
    )
    assert "Trả lời phản ánh #1 — UBND xã Vĩnh Tường:" in text_of(answer)
    assert "sẽ sửa trong tuần" in text_of(answer)
    assert "Cán bộ xã" not in text_of(answer), "answers are signed by the unit, not the official"


async def test_every_kind_of_message_joins_the_ticket_and_reaches_the_unit(
    sb: Sandbox, world: World, app: Application
) -> None:
    lan, dm = world.lan, world.dm_lan
    first = await lan.send_photo(
        dm, caption="Ống nước ở thôn 2 xã Hội Sơn, huyện Anh Sơn bị vỡ, nước chảy lênh láng"
    )
    await sb.wait_for("sendMessage", chat=dm, timeout=WAIT)
    card = await sb.wait_for(
        "sendMessage", chat=world.water_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert card.params.get("message_thread_id"), "a forum staff chat gets one topic per ticket"

    sent = [first]
    sent.append(await lan.send_document(dm, caption="Đơn kiến nghị"))
    sent.append(await lan.send_voice(dm))
    sent.append(await lan.send_video(dm))
    sent.append(await lan.send_video_note(dm))
    sent.append(await lan.send_location(dm, 18.9012, 105.0123))
    sent.append(await lan.send_contact(dm, "+84912345678", first_name="Lan"))
    sent.extend(await lan.send_album(dm, ("photo", "photo", "video"), caption="Ảnh hiện trường"))

    copied: set[int] = set()
    for message in sent:
        call = await sb.wait_for(
            "copyMessage",
            chat=world.water_staff,
            where=lambda c, m=message: c.params["message_id"] == m["message_id"],
            since=0,
            timeout=WAIT,
        )
        assert call.params.get("message_thread_id") == card.params["message_thread_id"]
        copied.add(call.params["message_id"])
    assert copied == {m["message_id"] for m in sent}

    acks = [c for c in sb.calls_to("sendMessage", chat=dm) if "#1" in text_of(c)]
    assert len(acks) == 1 + 6 + 1, "one acknowledgement, one per follow-up, one for the whole album"
    assert not any("#2" in text_of(c) for c in sb.calls_to("sendMessage", chat=dm))


async def test_reply_to_acknowledgement_joins_and_new_starts_a_fresh_ticket(
    sb: Sandbox, world: World, app: Application
) -> None:
    lan, dm = world.lan, world.dm_lan
    await lan.say(dm, "Xin hỏi xã Hội Sơn huyện Anh Sơn bao giờ làm lại đường vào thôn 3?")
    ack = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "#1" in text_of(c))
    await lan.reply(dm, to=ack.result, text="Đoạn hỏng dài khoảng 200 mét.")
    joined = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "bổ sung" in text_of(c))
    assert "#1" in text_of(joined)

    await lan.say(dm, "/new")
    await sb.wait_for("sendMessage", chat=dm, where=lambda c: "phản ánh mới" in text_of(c))
    await lan.say(dm, "Trạm y tế xã Hội Sơn, huyện Anh Sơn đóng cửa cả buổi sáng.")
    second = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "#2" in text_of(c))
    assert "Y tế" in text_of(second)

    await lan.say(dm, "/mytickets")
    listing = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "Phản ánh của bạn" in text_of(c))
    assert "#1" in text_of(listing) and "#2" in text_of(listing)


async def test_place_unknown_is_asked_and_a_typed_old_name_routes_it(
    sb: Sandbox, world: World, app: Application
) -> None:
    lan, dm = world.lan, world.dm_lan
    await lan.say(dm, "Nước máy nhà tôi mấy hôm nay đục ngầu, có mùi lạ, không dùng được.")
    question = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "xã/phường nào" in text_of(c))
    assert "#1" in text_of(question)
    assert not sb.calls_to("sendMessage", chat=world.water_staff), (
        "nothing is routed before the place is known"
    )

    await lan.say(dm, "Hội Sơn")
    choices = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "reply_markup" in c.params)
    labels = [b["text"] for row in choices.params["reply_markup"]["inline_keyboard"] for b in row]
    assert any("Xã Vĩnh Tường, Nghệ An" in label for label in labels)
    assert len(labels) <= 6

    await lan.press(choices.result, next(label for label in labels if "Vĩnh Tường, Nghệ An" in label))
    card = await sb.wait_for(
        "sendMessage", chat=world.water_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "Xã Vĩnh Tường, Nghệ An" in text_of(card)
    topic = await sb.wait_for("createForumTopic", chat=world.water_staff, since=0)
    assert topic.params["name"].startswith("#1 · Nước sạch")


async def test_anonymous_citizen_is_not_named_to_officials(
    sb: Sandbox, world: World, app: Application
) -> None:
    lan, dm = world.lan, world.dm_lan
    await lan.say(dm, "/settings")
    menu = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "Cài đặt" in text_of(c))
    await lan.press(menu.result, "👤 Ẩn danh với cán bộ: TẮT")
    await sb.wait_for("editMessageReplyMarkup", chat=dm)

    await lan.say(dm, "Đèn đường ở xã Hội Sơn, huyện Anh Sơn hỏng cả tháng nay chưa ai sửa.")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "Công dân ẩn danh" in text_of(card)
    assert "Lan" not in text_of(card) and "lan_nguyen" not in text_of(card)


async def test_a_strangers_reply_is_not_relayed(sb: Sandbox, world: World, app: Application) -> None:
    await world.lan.say(
        world.dm_lan, "Cán bộ địa chính xã Hội Sơn, huyện Anh Sơn hẹn mãi không xuống đo đất."
    )
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    mark = sb.mark()
    await world.stranger.reply(world.commune_staff, to=card.result, text="Tôi trả lời hộ nhé")
    refusal = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Không chuyển" in text_of(c)
    )
    assert refusal.params["reply_parameters"]["message_id"] != card.result["message_id"]
    assert not [
        c for c in sb.calls_to("sendMessage", chat=world.dm_lan, since=mark) if "Trả lời" in text_of(c)
    ]


async def test_an_official_of_a_parent_unit_may_answer(sb: Sandbox, world: World, app: Application) -> None:
    await world.lan.say(world.dm_lan, "Xin hỏi lịch tiêm chủng ở trạm y tế xã Hội Sơn, huyện Anh Sơn?")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    await world.province_cadre.reply(world.commune_staff, to=card.result, text="Thứ Năm hằng tuần.")
    answer = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c))
    assert "Thứ Năm hằng tuần." in text_of(answer)
    assert "UBND xã Vĩnh Tường" in text_of(answer), "signed by the unit whose staff chat answered"


async def test_a_citizen_who_blocked_the_bot_is_shown_as_unreachable(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, "Rác thải ở chợ xã Hội Sơn, huyện Anh Sơn không ai thu gom cả tuần.")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    await sb.wait_for("copyMessage", chat=world.commune_staff)
    world.lan.block_bot()
    await world.commune_cadre.reply(
        world.commune_staff, to=card.result, text="Đã yêu cầu tổ vệ sinh thu gom."
    )
    warning = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "chặn bot" in text_of(c)
    )
    assert "#1" in text_of(warning)


async def test_blocking_the_bot_shows_on_the_next_card(sb: Sandbox, world: World, app: Application) -> None:
    await world.lan.say(world.dm_lan, "Cột điện ở xã Hội Sơn, huyện Anh Sơn nghiêng, sợ đổ.")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))
    world.lan.block_bot()
    await world.lan.say(world.village, "/hoi Cột điện ở thôn 2 nghiêng, sợ đổ vào nhà dân.")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #2" in text_of(c)
    )
    assert "chặn bot" not in text_of(card), (
        "a group ticket is answered in the group, so blocking does not matter"
    )
    world.lan.unblock_bot()


async def test_the_author_corrects_the_place_and_the_ticket_moves(
    sb: Sandbox, world: World, app: Application
) -> None:
    lan, dm = world.lan, world.dm_lan
    await lan.say(dm, "Đường vào trường ở xã Hội Sơn, huyện Anh Sơn có nhiều ổ gà lớn, xe đạp rất khó đi.")
    ack = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "reply_markup" in c.params)
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))

    await lan.press(ack.result, "📍 Sửa địa bàn")
    prompt = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "Trả lời tin nhắn này" in text_of(c))
    await lan.reply(dm, to=prompt.result, text="xã Nghĩa Đức, huyện Nghĩa Đàn")
    choices = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "Là nơi nào" in text_of(c))
    await lan.press(choices.result, "Xã Nghĩa Khánh, Nghệ An")

    card = await sb.wait_for(
        "sendMessage", chat=world.province_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "Xã Nghĩa Khánh, Nghệ An" in text_of(card)
    moved = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "đã chuyển sang" in text_of(c)
    )
    assert "UBND tỉnh Nghệ An" in text_of(moved)
    updated = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "UBND tỉnh Nghệ An" in text_of(c))
    assert "#1" in text_of(updated)
