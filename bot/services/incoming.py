"""What the handlers hand to the services: plain values parsed from Telegram updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    display_name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One Telegram message that belongs in a ticket (citizen's) or is an official's answer."""

    chat_id: int
    chat_kind: ChatKind
    message_id: int
    author: Person
    sent_at: datetime
    kind: str = "text"
    text: str | None = None
    file_id: str | None = None
    media_group_id: str | None = None
    chat_title: str | None = None
    reply_to_message_id: int | None = None
    replies_to_bot: bool = False
    thread_id: int | None = None
    force_new: bool = False
