"""Turning an aiogram ``Message`` into the services' ``IncomingMessage``."""

from __future__ import annotations

from aiogram.types import Message, User

from bot.services.incoming import ChatKind, IncomingMessage, Person

MEDIA_KINDS = ("photo", "document", "voice", "video", "video_note", "audio", "animation", "sticker")


def person(user: User) -> Person:
    return Person(
        id=user.id, display_name=user.full_name, username=user.username, language_code=user.language_code
    )


def kind_and_file(message: Message) -> tuple[str, str | None]:
    if message.photo:
        return "photo", message.photo[-1].file_id
    for kind in MEDIA_KINDS[1:]:
        media = getattr(message, kind)
        if media is not None:
            return kind, media.file_id
    if message.location is not None:
        return "location", None
    if message.contact is not None:
        return "contact", None
    return "text", None


def describe(message: Message) -> str | None:
    """The words of a message: text or caption; a location or contact in words, so nothing is lost."""
    if message.location is not None:
        return f"📍 {message.location.latitude:.6f}, {message.location.longitude:.6f}"
    if message.contact is not None:
        contact = message.contact
        return f"☎️ {contact.first_name} {contact.last_name or ''} {contact.phone_number}".replace("  ", " ")
    return message.text or message.caption


def incoming(
    message: Message, chat_kind: ChatKind, *, text: str | None = None, force_new: bool = False
) -> IncomingMessage:
    assert message.from_user is not None
    kind, file_id = kind_and_file(message)
    reply = message.reply_to_message
    return IncomingMessage(
        chat_id=message.chat.id,
        chat_kind=chat_kind,
        message_id=message.message_id,
        author=person(message.from_user),
        sent_at=message.date,
        kind=kind,
        text=text if text is not None else describe(message),
        file_id=file_id,
        media_group_id=message.media_group_id,
        chat_title=message.chat.title,
        reply_to_message_id=reply.message_id if reply is not None else None,
        replies_to_bot=reply is not None and reply.from_user is not None and reply.from_user.is_bot,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        force_new=force_new,
    )
