"""Media in both directions: uploads, file_ids, getFile downloads, albums, locations, contacts."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile, InputMediaPhoto

from sandbox import Sandbox


async def test_bot_downloads_a_photo_a_person_sent(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    await lan.send_photo(dm, caption="Ổ gà", data=b"jpeg-bytes")
    message = (await bot.get_updates())[0].message
    assert message is not None and message.photo and message.caption == "Ổ gà"

    file = await bot.get_file(message.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"jpeg-bytes"


async def test_upload_gets_a_new_file_id_that_can_be_resent(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    first = await bot.send_document(dm.id, BufferedInputFile(b"%PDF-1.4", "bien-ban.pdf"), caption="Biên bản")
    assert first.document is not None and first.document.file_name == "bien-ban.pdf"
    again = await bot.send_document(dm.id, first.document.file_id)
    assert again.document is not None and again.document.file_unique_id == first.document.file_unique_id


async def test_people_send_every_kind_of_media(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    await lan.send_document(dm, file_name="don.pdf")
    await lan.send_voice(dm)
    await lan.send_video(dm, caption="lũ")
    await lan.send_video_note(dm)
    await lan.send_audio(dm)
    await lan.send_location(dm, 18.35, 105.9)
    await lan.send_contact(dm, "+84901234567")
    await lan.send_album(dm, ["photo", "video"], caption="hai ảnh")
    messages = [u.message for u in await bot.get_updates() if u.message]
    kinds = [
        next(
            k
            for k in ("document", "voice", "video", "video_note", "audio", "location", "contact", "photo")
            if getattr(m, k)
        )
        for m in messages
    ]
    assert kinds == [
        "document",
        "voice",
        "video",
        "video_note",
        "audio",
        "location",
        "contact",
        "photo",
        "video",
    ]
    assert messages[-1].media_group_id == messages[-2].media_group_id is not None


async def test_bot_sends_an_album_and_a_location(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    album = await bot.send_media_group(
        dm.id,
        [
            InputMediaPhoto(media=BufferedInputFile(b"a", "a.jpg"), caption="Trước"),
            InputMediaPhoto(media=BufferedInputFile(b"b", "b.jpg")),
        ],
    )
    assert [m.message_id for m in album] == [1, 2] and album[0].caption == "Trước"
    location = await bot.send_location(dm.id, latitude=18.35, longitude=105.9)
    assert location.location is not None and location.location.latitude == 18.35
