"""A citizen in a private chat: acknowledgement, card in the unit's staff chat, answer back."""

from __future__ import annotations

from bot.app import Application
from sandbox.driver import Sandbox
from tests.e2e.harness import WAIT, World, text_of

LANDSLIDE = "Đường liên xã qua xã Hội Sơn, huyện Anh Sơn bị sạt lở một đoạn dài, xe máy vẫn đi qua rất nguy hiểm."


async def test_reflection_is_acknowledged_carded_and_answered(sb: Sandbox, world: World, app: Application) -> None:
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

    await world.commune_cadre.reply(world.commune_staff, to=card.result, text="Xã đã cử người rào chắn, sẽ sửa trong tuần.")
    answer = await sb.wait_for("sendMessage", chat=world.dm_lan, where=lambda c: "Trả lời" in text_of(c), timeout=WAIT)
    assert "Trả lời phản ánh #1 — UBND xã Vĩnh Tường:" in text_of(answer)
    assert "sẽ sửa trong tuần" in text_of(answer)
    assert "Cán bộ xã" not in text_of(answer), "answers are signed by the unit, not the official"
