"""Forum staff chats (a topic per ticket) and routing up to the province."""

from __future__ import annotations

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import World, text_of


async def test_each_ticket_gets_its_topic_and_officials_answer_inside_it(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, "Nước sinh hoạt ở xã Hội Sơn, huyện Anh Sơn mất ba ngày nay rồi.")
    topic = await sb.wait_for("createForumTopic", chat=world.water_staff)
    assert topic.params["name"].startswith("#1 · ") and topic.params["name"].endswith("Vĩnh Tường")
    thread = topic.result["message_thread_id"]
    card = await sb.wait_for(
        "sendMessage", chat=world.water_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert card.params["message_thread_id"] == thread

    await world.minh.say(
        world.dm_minh, "Water supply in Hoi Son commune, Anh Son district, Nghe An has been cut for days."
    )
    second = await sb.wait_for(
        "createForumTopic", chat=world.water_staff, where=lambda c: c.params["name"].startswith("#2")
    )
    assert second.result["message_thread_id"] != thread

    await world.water_cadre.say(
        world.water_staff, "Đường ống chính bị vỡ, chiều nay sẽ có nước lại.", topic=thread
    )
    answer = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c))
    assert "Tổ nước sạch xã Vĩnh Tường" in text_of(answer)
    assert "chiều nay sẽ có nước lại" in text_of(answer)
    assert len(sb.calls_to("createForumTopic", chat=world.water_staff)) == 2, "one topic per ticket, reused"

    ack_en = await sb.wait_for("sendMessage", chat=world.dm_minh, where=lambda c: "#2" in text_of(c), since=0)
    assert "Received: reflection" in text_of(ack_en) and "Water" in text_of(ack_en)


async def test_a_ward_without_its_own_rule_goes_to_the_province(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.dm_lan, "Đường ở xã Nghĩa Đức, huyện Nghĩa Đàn, Nghệ An bị ngập sâu sau mưa.")
    card = await sb.wait_for(
        "sendMessage", chat=world.province_staff, where=lambda c: "Phản ánh #1" in text_of(c)
    )
    assert "Xã Nghĩa Khánh, Nghệ An" in text_of(card)
    ack = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "#1" in text_of(c), since=0)
    assert "UBND tỉnh Nghệ An" in text_of(ack)
    assert not sb.calls_to("sendMessage", chat=world.commune_staff)


async def test_start_offers_languages_and_explains_privacy(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.minh.say(world.dm_minh, "/start")
    welcome = await sb.wait_for("sendMessage", chat=world.dm_minh, where=lambda c: "reply_markup" in c.params)
    buttons = [b["text"] for row in welcome.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "✓ English" in buttons, "preselected from Telegram's language"
    privacy = await sb.wait_for("sendMessage", chat=world.dm_minh, where=lambda c: "Privacy" in text_of(c))
    assert "Write your question" in text_of(privacy)

    await world.minh.press(welcome.result, "Tiếng Việt")
    notice = await sb.wait_for(
        "sendMessage", chat=world.dm_minh, where=lambda c: "Quyền riêng tư" in text_of(c)
    )
    assert "Hãy viết câu hỏi" in text_of(notice)
