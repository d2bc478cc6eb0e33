"""Telegram's flood limits, loosely: per private chat, per group and global message rates (opt-in)."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from sandbox.errors import ApiError

# (messages, seconds) windows; Telegram tolerates short bursts, so these are generous.
PRIVATE_LIMIT = (5, 5.0)
GROUP_LIMIT = (20, 60.0)
GLOBAL_LIMIT = (30, 1.0)


def counts_as_message(method: str) -> bool:
    name = method.lower()
    return (name.startswith("send") and name != "sendchataction") or name in ("copymessage", "forwardmessage")


@dataclass
class RateLimits:
    enabled: bool = False
    _sent: dict[int | None, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def check(self, method: str, chat_id: int | None) -> None:
        """Raise 429 if sending now would exceed a limit; otherwise count the message."""
        if not self.enabled or not counts_as_message(method):
            return
        now = time.monotonic()
        windows: list[tuple[int | None, tuple[int, float]]] = [(None, GLOBAL_LIMIT)]
        if chat_id is not None:
            windows.append((chat_id, GROUP_LIMIT if chat_id < 0 else PRIVATE_LIMIT))
        for key, (limit, seconds) in windows:
            sent = self._sent[key]
            while sent and now - sent[0] >= seconds:
                sent.popleft()
            if len(sent) >= limit:
                retry_after = max(1, math.ceil(seconds - (now - sent[0])))
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
                )
        for key, _ in windows:
            self._sent[key].append(now)
