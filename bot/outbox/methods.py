"""From an outbox row's method name and payload to an aiogram call, and from its result to message ids."""

from __future__ import annotations

from functools import cache
from typing import Any

import aiogram.methods
from aiogram.methods.base import TelegramMethod

_BATCH_KEYS = {"sendMediaGroup": "media", "copyMessages": "message_ids", "forwardMessages": "message_ids"}


@cache
def _method_classes() -> dict[str, type[TelegramMethod[Any]]]:
    classes: dict[str, type[TelegramMethod[Any]]] = {}
    for name in aiogram.methods.__all__:
        candidate = getattr(aiogram.methods, name)
        if (
            isinstance(candidate, type)
            and issubclass(candidate, TelegramMethod)
            and candidate is not TelegramMethod
        ):
            classes[candidate.__api_method__] = candidate
    return classes


def is_known(method: str) -> bool:
    return method in _method_classes()


def build(
    method: str, chat_id: int, payload: dict[str, Any], thread_id: int | None = None
) -> TelegramMethod[Any]:
    """The aiogram method object; raises KeyError for an unknown name, ValidationError for bad params."""
    params: dict[str, Any] = {**payload, "chat_id": chat_id}
    if thread_id is not None:
        params["message_thread_id"] = thread_id
    return _method_classes()[method].model_validate(params)


def message_ids(result: Any) -> list[int]:
    """Ids of the messages a call produced (a Message, a MessageId, a list of them, or none)."""
    items = result if isinstance(result, list) else [result]
    return [item.message_id for item in items if isinstance(getattr(item, "message_id", None), int)]


def cost(method: str, payload: dict[str, Any]) -> int:
    """How many messages the call sends, for pacing (an album counts each item)."""
    key = _BATCH_KEYS.get(method)
    batch = payload.get(key) if key else None
    return max(1, len(batch)) if isinstance(batch, list) else 1


def without_reply(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with no reply to a message."""
    return {
        key: value for key, value in payload.items() if key not in {"reply_parameters", "reply_to_message_id"}
    }
