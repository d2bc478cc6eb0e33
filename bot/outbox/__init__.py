"""The outbox: Bot API calls owed because of state changes, delivered in order, nothing lost or twice."""

from bot.outbox.notices import UnreachableCitizen, UnreachableHook, blocked_notice_text, notify_staff
from bot.outbox.pacing import Backoff, Limit, Pacer
from bot.outbox.worker import OutboxWorker

__all__ = [
    "Backoff",
    "Limit",
    "OutboxWorker",
    "Pacer",
    "UnreachableCitizen",
    "UnreachableHook",
    "blocked_notice_text",
    "notify_staff",
]
