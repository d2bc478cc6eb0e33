"""Setting up the organisation from Telegram, as an admin would."""

from __future__ import annotations

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import World, text_of


async def test_admin_builds_a_unit_from_telegram_and_an_invited_official_answers(
    sb: Sandbox, world: World, app: Application
) -> None:
    admin, dm_admin = world.admin, sb.private_chat(world.admin)
    await admin.say(dm_admin, '/unit nghia-khanh 17032 "UBND xã Nghĩa Khánh" nghe-an')
    await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "Đã xong" in text_of(c))
    await admin.say(dm_admin, "/route 17032 * nghia-khanh")
    await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "Đã xong" in text_of(c))

    cadre = sb.user("Cán bộ Nghĩa Khánh", language_code="vi")
    staff = sb.group("Cán bộ xã Nghĩa Khánh", members=[admin, cadre], bot_admin=True)
    await admin.say(staff, "/staffchat nghia-khanh")
    await sb.wait_for("sendMessage", chat=staff, where=lambda c: "Đã xong" in text_of(c))

    await admin.say(dm_admin, "/invite nghia-khanh")
    invitation = await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "/join" in text_of(c))
    code = text_of(invitation).rsplit("/join ", 1)[1].strip()
    dm_cadre = sb.private_chat(cadre)
    await cadre.say(dm_cadre, f"/join {code}")
    await sb.wait_for("sendMessage", chat=dm_cadre, where=lambda c: "UBND xã Nghĩa Khánh" in text_of(c))
    await world.stranger.say(sb.private_chat(world.stranger), f"/join {code}")
    reused = await sb.wait_for("sendMessage", chat=sb.private_chat(world.stranger))
    assert "đã dùng" in text_of(reused), "an invitation works once"

    await world.lan.say(
        world.dm_lan, "Trường tiểu học xã Nghĩa Đức, huyện Nghĩa Đàn thiếu bàn ghế cho học sinh."
    )
    card = await sb.wait_for("sendMessage", chat=staff, where=lambda c: "Phản ánh #1" in text_of(c))
    await cadre.reply(staff, to=card.result, text="Xã đã đề nghị huyện cấp thêm 20 bộ bàn ghế.")
    answer = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c))
    assert "UBND xã Nghĩa Khánh" in text_of(answer)


async def test_admin_commands_are_refused_to_others_and_unrouted_lists_waiting_tickets(
    sb: Sandbox, world: World, app: Application
) -> None:
    dm_stranger = sb.private_chat(world.stranger)
    await world.stranger.say(dm_stranger, "/route 17032 * nghe-an")
    refused = await sb.wait_for("sendMessage", chat=dm_stranger)
    assert "Chỉ quản trị viên" in text_of(refused)

    await world.lan.say(world.dm_lan, "Cho em hỏi thủ tục đăng ký khai sinh cho con làm ở đâu ạ?")
    await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "xã/phường nào" in text_of(c))
    dm_admin = sb.private_chat(world.admin)
    await world.admin.say(dm_admin, "/unrouted")
    listing = await sb.wait_for("sendMessage", chat=dm_admin)
    assert "#1" in text_of(listing) and "chưa rõ địa bàn" in text_of(listing)


async def test_an_answer_with_a_photo_reaches_the_citizen_with_the_photo(
    sb: Sandbox, world: World, app: Application
) -> None:
    original = await world.lan.say(world.village, "/hoi Ổ gà trước cổng trường thôn 2 ai sửa ạ?")
    card = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    photo = await world.commune_cadre.send_photo(
        world.commune_staff, caption="Đã vá xong sáng nay.", reply_to=card.result
    )
    header = await sb.wait_for("sendMessage", chat=world.village, where=lambda c: "Trả lời" in text_of(c))
    assert header.params["reply_parameters"]["message_id"] == original["message_id"]
    copy = await sb.wait_for("copyMessage", chat=world.village)
    assert copy.params["from_chat_id"] == world.commune_staff.id
    assert copy.params["message_id"] == photo["message_id"]


async def test_usage_help_is_valid_telegram_html(sb: Sandbox, world: World, app: Application) -> None:
    dm_admin = sb.private_chat(world.admin)
    for command in ("/route", "/unit x"):
        await world.admin.say(dm_admin, command)
        usage = await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "Cách dùng" in text_of(c))
        assert "&lt;" in usage.params["text"]
    await world.admin.say(world.commune_staff, "/staffchat")
    usage = await sb.wait_for(
        "sendMessage", chat=world.commune_staff, where=lambda c: "Cách dùng" in text_of(c)
    )
    assert "/staffchat" in text_of(usage)
