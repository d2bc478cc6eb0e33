"""How failed Bot API calls are classified."""

from __future__ import annotations

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from sqlalchemy.exc import OperationalError

from bot.outbox.errors import Verdict, diagnose

CALL = SendMessage(chat_id=1, text="secret text of a citizen")


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (TelegramServerError(CALL, "Bad Gateway"), Verdict.TRANSIENT),
        (TelegramNetworkError(CALL, "Request timeout error"), Verdict.TRANSIENT),
        (OperationalError("UPDATE outbox", {}, Exception("database is locked")), Verdict.TRANSIENT),
        (TelegramEntityTooLarge(CALL, "Request Entity Too Large"), Verdict.FATAL),
        (TelegramForbiddenError(CALL, "Forbidden: bot was blocked by the user"), Verdict.BLOCKED),
        (TelegramForbiddenError(CALL, "Forbidden: user is deactivated"), Verdict.BLOCKED),
        (TelegramForbiddenError(CALL, "Forbidden: bot was kicked from the supergroup chat"), Verdict.FATAL),
        (TelegramBadRequest(CALL, "Bad Request: message to be replied not found"), Verdict.REPLY_MISSING),
        (TelegramBadRequest(CALL, "Bad Request: message thread not found"), Verdict.THREAD_MISSING),
        (
            TelegramBadRequest(CALL, "Bad Request: not enough rights to create a topic"),
            Verdict.NO_TOPIC_RIGHTS,
        ),
        (TelegramBadRequest(CALL, "Bad Request: message is too long"), Verdict.FATAL),
        (
            TelegramBadRequest(CALL, "Bad Request: message is not modified: specified new message content"),
            Verdict.NOT_MODIFIED,
        ),
        (TelegramNotFound(CALL, "Not Found"), Verdict.FATAL),
    ],
)
def test_errors_are_classified(error: Exception, verdict: Verdict) -> None:
    assert diagnose(error).verdict is verdict


def test_flood_control_carries_its_wait() -> None:
    diagnosis = diagnose(TelegramRetryAfter(CALL, "Too Many Requests: retry after 7", retry_after=7))
    assert diagnosis.verdict is Verdict.RETRY_AFTER and diagnosis.retry_after == 7


def test_the_recorded_error_never_holds_the_message_text() -> None:
    errors = [
        TelegramBadRequest(CALL, "Bad Request: message is too long"),
        TelegramRetryAfter(CALL, "Too Many Requests: retry after 7", retry_after=7),
        OperationalError(
            "UPDATE outbox SET payload=?", {"text": "secret text of a citizen"}, Exception("locked")
        ),
    ]
    for error in errors:
        assert "secret" not in diagnose(error).error
