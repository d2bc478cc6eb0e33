"""Method handlers by lower-case Bot API method name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sandbox.params import Upload

if TYPE_CHECKING:
    from sandbox.core import Emulator

Params = dict[str, Any]
Files = dict[str, Upload]
Handler = Callable[["Emulator", Params, Files], Awaitable[Any]]

HANDLERS: dict[str, Handler] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name.lower()] = handler
        return handler

    return register
