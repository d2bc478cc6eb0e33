"""A citizen in a community group: triggers, chatter ignored, replies in the group, unbound groups."""

from __future__ import annotations

import pytest

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import BOT_USERNAME, WAIT, World, text_of


async def test_ask_command_is_acknowledged_and_answered_in_the_group(
    sb: Sandbox, world: World, app: Application
) -> None:
    original = await world.lan.say(world.village, "/hoi Bao giờ thôn 2 có đèn đường ạ? Tối đi lại rất tối.")
    ack = await sb.wait_for("sendMessage", chat=world.village, timeout=WAIT)
    assert "#1" in text_of(ack)
    assert ack.params["reply_parameters"]["message_id"] == original["message_id"]
    assert "Xã Vĩnh Tường, Nghệ An" in text_of(ack), "the group's bound ward gives the place"

    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "Thôn 2 Hội Sơn" in text_of(card)
    copy = await sb.wait_for("copyMessage", chat=world.commune_staff)
    assert copy.params["from_chat_id"] == world.village.id

    copied = sb.message(world.commune_staff, copy.result["message_id"])
    await world.commune_cadre.reply(world.commune_staff, to=copied, text="Quý 1 năm sau sẽ lắp.")
    answer = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "Trả lời" in text_of(c))
    assert answer.params["reply_parameters"]["message_id"] == original["message_id"]
    assert "Quý 1 năm sau sẽ lắp." in text_of(answer)


@pytest.mark.parametrize(
    "words",
    [
        f"@{BOT_USERNAME} cống thoát nước đầu làng bị tắc, mưa là ngập",
        "#phananh cống thoát nước đầu làng bị tắc, mưa là ngập",
        "Cống thoát nước đầu làng bị tắc #kiennghi",
        "#hoi cống thoát nước đầu làng bị tắc thì báo ai?",
    ],
)
async def test_mentions_and_hashtags_open_a_ticket(
    sb: Sandbox, world: World, app: Application, words: str
) -> None:
    await world.lan.say(world.village, words)
    ack = await sb.wait_for("sendMessage", chat=world.village, timeout=WAIT)
    assert "#1" in text_of(ack)
    card = await sb.wait_for(
        "sendMessage", chat=world.water_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "@" + BOT_USERNAME not in text_of(card)


async def test_reply_to_the_bot_opens_or_joins_a_ticket_and_chatter_is_ignored(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.village, "/hoi Trường mầm non thôn 2 có tuyển thêm cô giáo không?")
    ack = await sb.wait_for("sendMessage", chat=world.village)
    await world.minh.reply(world.village, to=ack.result, text="Em cũng muốn hỏi về học phí mầm non năm nay.")
    second = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "#2" in text_of(c))
    assert second.params["reply_parameters"]["message_id"] != ack.result["message_id"]

    mark = sb.mark()
    await world.stranger.say(world.village, "Chào cả nhà, chiều nay ai đi chợ không?")
    await world.lan.say(world.village, "/hoi Cảm ơn xã đã trả lời nhanh.")
    thanks = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "#" in text_of(c))
    assert thanks.seq > mark
    replies_to_chatter = [
        c for c in sb.calls_to("sendMessage", chat=world.village, since=mark) if "Chào cả nhà" in text_of(c)
    ]
    assert not replies_to_chatter
    assert len(sb.calls_to("sendMessage", chat=world.village, since=mark)) == 1


async def test_unbound_group_keeps_the_ticket_until_an_admin_binds_it(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.unbound, "/hoi Đường vào xóm mới lầy lội quá, bao giờ được đổ bê tông?")
    told = await sb.wait_for("sendMessage", chat=world.unbound)
    assert "/bind" in text_of(told) and "#1" in text_of(told)

    await world.lan.say(world.unbound, "/bind 17357")
    refused = await sb.wait_for(
        "sendMessage", chat=world.unbound, where=lambda c: "quản trị viên" in text_of(c)
    )
    assert "Chỉ" in text_of(refused)

    await world.admin.say(world.unbound, "/bind Hội Sơn, Anh Sơn, Nghệ An")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "Xóm mới" in text_of(card)
    done = await sb.wait_for("sendMessage", chat=world.unbound, where=lambda c: "đã được gắn" in text_of(c))
    assert "Xã Vĩnh Tường, Nghệ An" in text_of(done) and "1" in text_of(done)


async def test_only_the_author_can_use_the_correction_buttons(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.village, "/hoi Ống nước chung của thôn bị rò rỉ, ai sửa ạ?")
    ack = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "reply_markup" in c.params)

    stranger_press = await world.stranger.press(ack.result, "✏️ Sửa chủ đề")
    await sb.wait_for("answerCallbackQuery")
    answer = sb.callback_answer(stranger_press)
    assert answer is not None and "Chỉ người gửi" in str(answer.get("text")) and answer.get("show_alert")

    await world.lan.press(ack.result, "✏️ Sửa chủ đề")
    topics = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "Chọn chủ đề" in text_of(c))
    await world.stranger.press(topics.result, "Điện")
    await sb.wait_for("answerCallbackQuery")
    await world.lan.press(topics.result, "Điện")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Chủ đề: Điện" in text_of(c)
    )
    assert "Phản ánh #1" in text_of(card)
