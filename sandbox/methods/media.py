"""Media messages (uploads or known file_ids), albums, locations, contacts and getFile."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sandbox.errors import bad_request
from sandbox.methods.registry import Files, Params, api_method
from sandbox.methods.sending import caption_content, markup_content, post, target
from sandbox.world import Message, StoredFile

if TYPE_CHECKING:
    from sandbox.core import Emulator

MEDIA_METHODS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendVoice": "voice",
    "sendVideo": "video",
    "sendVideoNote": "video_note",
    "sendAudio": "audio",
    "sendAnimation": "animation",
    "sendSticker": "sticker",
}
DEFAULT_MIME = {"voice": "audio/ogg", "video": "video/mp4", "audio": "audio/mpeg", "animation": "video/mp4"}


def resolve_file(em: Emulator, kind: str, value: Any, files: Files) -> StoredFile:
    """An upload ("attach://<part>") becomes a new file; otherwise value must be a known file_id."""
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request(f"file part {value.removeprefix('attach://')!r} not found in the request")
        mime = (
            upload.content_type
            if upload.content_type != "application/octet-stream"
            else DEFAULT_MIME.get(kind)
        )
        return em.world.add_file(kind, upload.data, file_name=upload.filename, mime_type=mime)
    stored = em.world.file(value)
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {_title(stored.kind)} as {_title(kind)}")
    return stored


def _title(kind: str) -> str:
    return kind.replace("_", " ").title().replace(" ", "")


def media_object(kind: str, stored: StoredFile, params: Params | None = None) -> Any:
    """The JSON object Telegram puts in a message for this file."""
    params = params or {}
    base: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    duration = {"duration": int(params.get("duration") or 1)}
    size = {"width": int(params.get("width") or 1280), "height": int(params.get("height") or 720)}
    named = {k: v for k, v in (("file_name", stored.file_name), ("mime_type", stored.mime_type)) if v}
    shapes: dict[str, Any] = {
        "photo": [base | size],
        "document": base | named,
        "voice": base | duration | ({"mime_type": stored.mime_type} if stored.mime_type else {}),
        "video": base | size | duration | named,
        "video_note": base | {"length": int(params.get("length") or 240)} | duration,
        "audio": base | duration | named,
        "animation": base | size | duration | named,
        "sticker": base
        | {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False},
    }
    return shapes[kind]


def _send_media(kind: str) -> None:
    async def handler(em: Emulator, params: Params, files: Files) -> Message:
        where = target(em, params)
        stored = resolve_file(em, kind, params[kind], files)
        content = (
            {kind: media_object(kind, stored, params)} | caption_content(params) | markup_content(params)
        )
        return post(em, where, content)

    for method, method_kind in MEDIA_METHODS.items():
        if method_kind == kind:
            api_method(method)(handler)


for _kind in MEDIA_METHODS.values():
    _send_media(_kind)


@api_method("sendLocation")
async def send_location(em: Emulator, params: Params, files: Files) -> Message:
    where = target(em, params)
    latitude, longitude = float(params["latitude"]), float(params["longitude"])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude/longitude specified")
    return post(
        em, where, {"location": {"latitude": latitude, "longitude": longitude}} | markup_content(params)
    )


@api_method("sendContact")
async def send_contact(em: Emulator, params: Params, files: Files) -> Message:
    where = target(em, params)
    contact = {k: params[k] for k in ("phone_number", "first_name", "last_name", "vcard") if params.get(k)}
    return post(em, where, {"contact": contact} | markup_content(params))


@api_method("sendMediaGroup")
async def send_media_group(em: Emulator, params: Params, files: Files) -> list[Message]:
    media = params["media"]
    if len(media) > 10:
        raise bad_request("too much messages to send as an album")
    if len(media) < 2:
        raise bad_request("MEDIA_GROUP_INVALID")
    kinds = {item["type"] for item in media}
    if len(kinds) > 1 and not kinds <= {"photo", "video"}:
        raise bad_request("MEDIA_GROUP_INVALID")
    where = target(em, params)
    stored = [resolve_file(em, item["type"], item["media"], files) for item in media]
    captions = [caption_content(item) for item in media]
    group_id = str(secrets.randbelow(10**18))
    return [
        post(
            em,
            where,
            {"media_group_id": group_id, item["type"]: media_object(item["type"], file, item)} | caption,
        )
        for item, file, caption in zip(media, stored, captions, strict=True)
    ]


@api_method("getFile")
async def get_file(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    stored = em.world.file(params["file_id"])
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }
