"""Nothing lost, nothing twice: restarts, 429 storms, duplicate updates."""

from __future__ import annotations

from aiogram.types import Message, Update

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import WAIT, World, running_bot, text_of


def acks_for(sb: Sandbox, world: World, number: int) -> list[str]:
    return [
        text_of(call)
        for call in sb.calls_to("sendMessage", chat=world.dm_lan, ok=True)
        if f"phản ánh <b>#{number}</b>" in text_of(call)
    ]


async def test_restart_delivers_what_was_owed_once_and_keeps_reply_links(
    sb: Sandbox, world: World, database_url: str
) -> None:
    sb.faults.inject(status=502, method="sendMessage", chat=world.dm_lan, times=10_000)
    async with running_bot(sb, database_url, shutdown_grace=1.0):
        await world.lan.say(world.dm_lan, "Bãi rác tự phát ở đầu xã Hội Sơn, huyện Anh Sơn bốc mùi nặng.")
        card = await sb.wait_for(
            "sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c)
        )
        await sb.wait_for("sendMessage", chat=world.dm_lan, ok=False, timeout=WAIT)
    assert acks_for(sb, world, 1) == [], "the acknowledgement could not be delivered before the stop"

    sb.faults.clear()
    async with running_bot(sb, database_url) as app:
        await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "#1" in text_of(c), timeout=WAIT)
        await world.commune_cadre.reply(
            world.commune_staff, to=card.result, text="Đã giao tổ môi trường xử lý."
        )
        answer = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c))
        assert "Đã giao tổ môi trường xử lý." in text_of(answer)
        await app.outbox.wait_idle(WAIT)
    assert len(acks_for(sb, world, 1)) == 1, "delivered exactly once across the restart"
    cards = sb.calls_to("sendMessage", chat=world.commune_staff, ok=True)
    assert len([c for c in cards if "Phản ánh #1" in text_of(c)]) == 1


async def test_a_429_storm_delivers_everything_once_and_never_early(
    sb: Sandbox, world: World, app: Application
) -> None:
    sb.faults.inject(status=429, retry_after=1, method="sendMessage", chat=world.dm_lan, times=4)
    lan, dm = world.lan, world.dm_lan
    sent = [
        await lan.say(dm, "Cầu treo ở xã Hội Sơn, huyện Anh Sơn bị gãy mấy tấm ván."),
        await lan.say(dm, "Trẻ con đi học phải qua cầu này hằng ngày."),
        await lan.say(dm, "Mong xã sớm sửa."),
    ]
    for message in sent:
        await sb.wait_for(
            "sendMessage",
            chat=dm,
            where=lambda c, m=message: c.params["reply_parameters"]["message_id"] == m["message_id"],
            since=0,
            timeout=3 * WAIT,
        )
    await app.outbox.wait_idle(WAIT)
    delivered = sb.calls_to("sendMessage", chat=dm, ok=True)
    replied_to = [c.params["reply_parameters"]["message_id"] for c in delivered]
    assert sorted(replied_to) == sorted(m["message_id"] for m in sent), (
        "one acknowledgement per message, none twice"
    )
    assert len(sb.calls_to("sendMessage", chat=dm, ok=False)) == 4
    assert sb.early_retries(dm) == [], "no request to the chat before retry_after elapsed"


async def test_the_same_update_twice_makes_one_ticket(sb: Sandbox, world: World, app: Application) -> None:
    sent = await world.lan.say(world.dm_lan, "Xin hỏi lịch thu gom rác ở xã Hội Sơn, huyện Anh Sơn?")
    await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "#1" in text_of(c))
    again = Update(update_id=10_000, message=Message.model_validate(sent, context={"bot": app.bot}))
    await app.dispatcher.feed_update(app.bot, again)
    await app.outbox.wait_idle(WAIT)
    assert len(acks_for(sb, world, 1)) == 1
    assert not [c for c in sb.calls_to("sendMessage") if "#2" in text_of(c)]
    assert len(sb.calls_to("copyMessage", chat=world.commune_staff)) == 1
