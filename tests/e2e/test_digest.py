"""Digests in Telegram: /digest on demand and the weekly job, against the sandbox."""

from __future__ import annotations

from bot.app import Application
from bot.digest.delivery import DigestDeliveries
from sandbox.calls import Call
from sandbox.driver import Sandbox
from tests.e2e.harness import World, text_of


def uploaded(sb: Sandbox, call: Call, kind: str) -> bytes:
    assert call.response is not None
    sent = call.response["result"][kind]
    file_id = sent[-1]["file_id"] if isinstance(sent, list) else sent["file_id"]  # a photo is a list of sizes
    data: bytes = sb.emulator.world.file(file_id).data
    return data


async def test_an_admin_gets_text_chart_and_workbook_on_demand(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.lan.say(world.village, "/hoi Ổ gà trước cổng trường thôn 2 ai sửa ạ?")
    await sb.wait_for("sendMessage", chat=world.commune_staff, where=lambda c: "Phản ánh #1" in text_of(c))
    dm_admin = sb.private_chat(world.admin)
    await world.admin.say(dm_admin, "/digest this week vinh-tuong")
    text = await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "Bản tin tuần" in text_of(c))
    assert "UBND xã Vĩnh Tường" in text_of(text)
    photo = await sb.wait_for("sendPhoto", chat=dm_admin)
    assert uploaded(sb, photo, "photo").startswith(b"\x89PNG")
    document = await sb.wait_for("sendDocument", chat=dm_admin)
    assert uploaded(sb, document, "document").startswith(b"PK")
    assert document.response is not None
    assert document.response["result"]["document"]["file_name"].endswith(".xlsx")


async def test_digest_is_refused_to_others_and_bad_periods_get_the_usage(
    sb: Sandbox, world: World, app: Application
) -> None:
    dm_stranger = sb.private_chat(world.stranger)
    await world.stranger.say(dm_stranger, "/digest last week")
    refused = await sb.wait_for("sendMessage", chat=dm_stranger)
    assert "Chỉ quản trị viên" in text_of(refused)

    dm_admin = sb.private_chat(world.admin)
    await world.admin.say(dm_admin, "/digest 2026-W54")
    usage = await sb.wait_for("sendMessage", chat=dm_admin)
    assert "Cách dùng" in text_of(usage)
    await world.admin.say(dm_admin, "/digest someday soon")
    usage = await sb.wait_for("sendMessage", chat=dm_admin)
    assert "Cách dùng" in text_of(usage)
    await world.admin.say(dm_admin, "/digest last week no-such-unit")
    outside = await sb.wait_for("sendMessage", chat=dm_admin)
    assert "no-such-unit" in text_of(outside) and "không thuộc phạm vi" in text_of(outside)
    assert not [c for c in sb.emulator.log.calls if c.method in ("sendPhoto", "sendDocument")]


async def test_the_weekly_job_reaches_admins_and_subscribed_groups_once(
    sb: Sandbox, world: World, app: Application
) -> None:
    await world.admin.say(world.province_staff, "/digest_subscribe vinh-tuong")
    await sb.wait_for("sendMessage", chat=world.province_staff, where=lambda c: "hằng tuần" in text_of(c))
    await world.stranger.say(world.commune_staff, "/digest_subscribe")
    refused = await sb.wait_for("sendMessage", chat=world.commune_staff)
    assert "Chỉ quản trị viên" in text_of(refused)

    dm_admin = sb.private_chat(world.admin)  # a bot cannot write first: the admin has talked to it
    await world.admin.say(dm_admin, "/digest_unsubscribe")
    await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "không nhận" in text_of(c))
    await world.admin.say(dm_admin, "/digest_subscribe")
    await sb.wait_for("sendMessage", chat=dm_admin, where=lambda c: "hằng tuần" in text_of(c))

    job = DigestDeliveries(app.core, bot=app.bot)
    report = await job.run()
    assert sorted(report.sent) == sorted([world.admin.id, world.province_staff.id])
    for chat in (dm_admin, world.province_staff):
        await sb.wait_for("sendMessage", chat=chat, where=lambda c: "Bản tin tuần" in text_of(c))
        await sb.wait_for("sendPhoto", chat=chat)
        await sb.wait_for("sendDocument", chat=chat)
    again = await DigestDeliveries(app.core, bot=app.bot).run()
    assert again.sent == [] and again.skipped == 2
