"""The record of every request the bot made, and waiting for one to happen."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One request as the emulator saw and answered it. ``at`` is time.monotonic() on arrival."""

    seq: int
    method: str
    params: dict[str, Any]
    files: tuple[str, ...]
    chat_id: int | None
    at: float
    wall_time: float
    status: int | None = None
    response: dict[str, Any] | None = None
    fault: str | None = None
    answered_at: float | None = None
    via: str = "http"
    """"http" for requests, "webhook reply" for a method the bot returned in its webhook response."""

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.get("ok") is True

    @property
    def result(self) -> Any:
        return self.response.get("result") if self.response else None

    @property
    def error(self) -> str | None:
        if self.response is None:
            return "connection dropped" if self.fault == "drop" else None
        description = self.response.get("description")
        return description if isinstance(description, str) and not self.ok else None

    @property
    def message(self) -> dict[str, Any]:
        """The Message this call produced (first one for albums)."""
        result = self.result
        if isinstance(result, list) and result:
            result = result[0]
        if not isinstance(result, dict) or "message_id" not in result:
            raise AssertionError(f"{self.method} call #{self.seq} produced no message: {self.response}")
        return result

    def __str__(self) -> str:
        outcome = "ok" if self.ok else (self.error or "?")
        return f"#{self.seq} {self.method} chat={self.chat_id} -> {outcome} params={self.params}"


CallFilter = Callable[[Call], bool]


@dataclass
class CallLog:
    calls: list[Call] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def begin(self, method: str, params: dict[str, Any], files: tuple[str, ...], chat_id: int | None) -> Call:
        return Call(len(self.calls), method, params, files, chat_id, time.monotonic(), time.time())

    def finish(self, call: Call) -> None:
        call.answered_at = time.monotonic()
        call.seq = len(self.calls)
        self.calls.append(call)
        self._changed.set()
        self._changed = asyncio.Event()

    def early_retries(self, chat_id: int | None = None) -> list[str]:
        """Requests to a chat made before the retry_after of an earlier 429 for that chat had elapsed."""
        early: list[str] = []
        for index, limited in enumerate(self.calls):
            retry_after = (limited.response or {}).get("parameters", {}).get("retry_after")
            if (
                limited.status != 429
                or retry_after is None
                or (chat_id is not None and limited.chat_id != chat_id)
            ):
                continue
            until = (limited.answered_at or limited.at) + retry_after
            early.extend(
                f"{later} came {until - later.at:.2f}s before retry_after {retry_after}s of {limited} elapsed"
                for later in self.calls[index + 1 :]
                if later.chat_id == limited.chat_id and later.at < until
            )
        return early

    def mark(self) -> int:
        return len(self.calls)

    def find(self, match: CallFilter, since: int = 0) -> Call | None:
        return next((c for c in self.calls[since:] if match(c)), None)

    async def wait_for(self, match: CallFilter, *, since: int, within: float, what: str) -> Call:
        deadline = time.monotonic() + within
        checked = since
        while True:
            found = self.find(match, checked)
            if found is not None:
                return found
            checked = len(self.calls)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = "\n  ".join(str(c) for c in self.calls[since:][-10:]) or "(none)"
                raise TimeoutError(f"no {what} within {within}s; calls since mark {since}:\n  {recent}")
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
