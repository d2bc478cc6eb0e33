"""What a failed Bot API call means for an outbox row."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)


class Verdict(Enum):
    RETRY_AFTER = auto()
    """Flood control: wait ``retry_after`` seconds, not a failure."""
    TRANSIENT = auto()
    """5xx, network, undecodable answer, bad token, or our own failure before the request (e.g. the
    database): retry with backoff, never drop."""
    BLOCKED = auto()
    """The user blocked the bot or was deleted: the citizen cannot be reached."""
    REPLY_MISSING = auto()
    """The message to reply to is gone: send without the reply."""
    THREAD_MISSING = auto()
    """The ticket's forum topic is gone: forget it and make a new one."""
    NO_TOPIC_RIGHTS = auto()
    """Cannot create forum topics there: use the chat's main thread."""
    NOT_MODIFIED = auto()
    """An edit that changes nothing (the message already shows it): done, not a failure."""
    FATAL = auto()
    """Any other refusal: retrying will not help."""


@dataclass(frozen=True)
class Diagnosis:
    verdict: Verdict
    error: str
    retry_after: float = 0.0


_NOT_MODIFIED = ("message is not modified",)
_BLOCKED = ("bot was blocked by the user", "user is deactivated")
_REPLY_MISSING = ("message to be replied not found", "replied message not found")
_THREAD_MISSING = ("message thread not found", "topic_deleted", "topic not found")
_NO_TOPIC_RIGHTS = ("not enough rights", "chat_admin_required", "the chat is not a forum", "not a forum")


def _mentions(error: Exception, phrases: tuple[str, ...]) -> bool:
    text = str(getattr(error, "message", error)).lower()
    return any(phrase in text for phrase in phrases)


def _summary(error: Exception) -> str:
    """The error's class and Telegram's description: ids and reasons, never message text."""
    return f"{type(error).__name__}: {getattr(error, 'message', error)}"


def diagnose(error: Exception) -> Diagnosis:
    """Classify an exception raised while making a Bot API call."""
    if not isinstance(error, AiogramError):
        return Diagnosis(Verdict.TRANSIENT, type(error).__name__)
    summary = _summary(error)
    if isinstance(error, TelegramRetryAfter):
        return Diagnosis(Verdict.RETRY_AFTER, summary, float(error.retry_after))
    if isinstance(error, TelegramEntityTooLarge):
        return Diagnosis(Verdict.FATAL, summary)
    if isinstance(
        error, TelegramServerError | TelegramNetworkError | ClientDecodeError | TelegramUnauthorizedError
    ):
        return Diagnosis(Verdict.TRANSIENT, summary)
    if isinstance(error, TelegramForbiddenError) and _mentions(error, _BLOCKED):
        return Diagnosis(Verdict.BLOCKED, summary)
    if isinstance(error, TelegramBadRequest):
        for verdict, phrases in (
            (Verdict.REPLY_MISSING, _REPLY_MISSING),
            (Verdict.THREAD_MISSING, _THREAD_MISSING),
            (Verdict.NO_TOPIC_RIGHTS, _NO_TOPIC_RIGHTS),
            (Verdict.NOT_MODIFIED, _NOT_MODIFIED),
        ):
            if _mentions(error, phrases):
                return Diagnosis(verdict, summary)
    return Diagnosis(Verdict.FATAL, summary)
