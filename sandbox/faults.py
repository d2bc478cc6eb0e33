"""Fault injection: error answers, dropped connections and slow answers, by method and/or chat."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

_DESCRIPTIONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Fault:
    """One injected fault; it matches requests by method and chat and is used up by times/until."""

    status: int | None = None
    retry_after: int | None = None
    drop: bool = False
    delay: float = 0.0
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1
    until: float | None = None
    after_handling: bool = False
    description: str | None = None
    hits: int = 0

    def active(self, now: float) -> bool:
        if self.until is not None and now >= self.until:
            return False
        return self.times is None or self.hits < self.times

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def error_body(self) -> dict[str, Any]:
        assert self.status is not None
        if self.status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            return {
                "ok": False,
                "error_code": 429,
                "description": self.description or f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
        description = self.description or _DESCRIPTIONS.get(self.status, "Internal Server Error")
        return {"ok": False, "error_code": self.status, "description": description}

    @property
    def label(self) -> str:
        if self.drop:
            return "drop"
        if self.status is not None:
            return f"status {self.status}"
        return f"delay {self.delay}s"


@dataclass
class Faults:
    injected: list[Fault] = field(default_factory=list)

    def inject(
        self,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        drop: bool = False,
        delay: float = 0.0,
        method: str | None = None,
        chat: Any = None,
        times: int | None = None,
        for_seconds: float | None = None,
        after_handling: bool = False,
        description: str | None = None,
    ) -> Fault:
        """Inject a fault for the next `times` matching requests (default 1), or for `for_seconds`.

        status=429 answers "Too Many Requests: retry after N" with parameters.retry_after; 5xx answers
        a JSON error; drop closes the connection without answering; delay answers late. With
        after_handling the request is executed first, then the answer is replaced (lost success).
        """
        if status is None and not drop and delay <= 0:
            raise ValueError("inject needs status=, drop=True or delay=")
        if retry_after is not None and status is None:
            status = 429
        fault = Fault(
            status=status,
            retry_after=retry_after,
            drop=drop,
            delay=delay,
            method=method,
            chat_id=_chat_id(chat),
            times=times if times is not None else (None if for_seconds is not None else 1),
            until=time.monotonic() + for_seconds if for_seconds is not None else None,
            after_handling=after_handling,
            description=description,
        )
        self.injected.append(fault)
        return fault

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        now = time.monotonic()
        self.injected = [f for f in self.injected if f.active(now)]
        for fault in self.injected:
            if fault.matches(method, chat_id):
                fault.hits += 1
                return fault
        return None

    def clear(self) -> None:
        self.injected.clear()


def _chat_id(chat: Any) -> int | None:
    if chat is None or isinstance(chat, int):
        return chat
    chat_id = getattr(chat, "id", None)
    if not isinstance(chat_id, int):
        raise TypeError(f"chat must be an int or have an int .id, got {chat!r}")
    return chat_id
