"""When the next request may go: Telegram's rate limits, and the backoff after transient errors.

Pure and clock-injectable. Limits are sliding windows ("at most ``limit`` messages in any ``per``
seconds"), which, unlike a token bucket with a burst, never exceed the limit over any window while still
letting a short burst (a card and its copies) through at once. Limits hold per process: several
instances share Telegram's budget, so give each a share when running more than one.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True)
class Limit:
    limit: int
    per: float


PRIVATE_CHAT = Limit(1, 1.0)
GROUP_CHAT = Limit(20, 60.0)
OVERALL = Limit(30, 1.0)


class SlidingWindow:
    """At most ``limit.limit`` events in any window of ``limit.per`` seconds."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self._times: deque[float] = deque()

    def delay(self, now: float, cost: int = 1) -> float:
        """Seconds from ``now`` until ``cost`` more events fit in the window."""
        self._forget(now)
        cost = min(cost, self.limit.limit)
        excess = len(self._times) + cost - self.limit.limit
        if excess <= 0:
            return 0.0
        return max(0.0, self._times[excess - 1] + self.limit.per - now)

    def record(self, now: float, cost: int = 1) -> None:
        self._times.extend([now] * min(cost, self.limit.limit))

    def move_last(self, now: float, cost: int = 1) -> None:
        """Count the last ``cost`` events as happening at ``now`` instead."""
        for index in range(max(0, len(self._times) - cost), len(self._times)):
            self._times[index] = now

    def is_empty(self, now: float) -> bool:
        self._forget(now)
        return not self._times

    def _forget(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.limit.per:
            self._times.popleft()


class Pacer:
    """Telegram's limits: per private chat (id > 0), per group (id < 0), and overall."""

    def __init__(
        self,
        *,
        private: Limit = PRIVATE_CHAT,
        group: Limit = GROUP_CHAT,
        overall: Limit = OVERALL,
        clock: Clock = time.monotonic,
    ) -> None:
        self._private = private
        self._group = group
        self._overall = SlidingWindow(overall)
        self._chats: dict[int, SlidingWindow] = {}
        self._clock = clock

    def delay(self, chat_id: int, cost: int = 1) -> float:
        """Seconds to wait before ``cost`` messages may go to ``chat_id`` (0 means now)."""
        now = self._clock()
        return max(self._chat(chat_id).delay(now, cost), self._overall.delay(now, cost))

    def record(self, chat_id: int, cost: int = 1) -> None:
        """Count ``cost`` messages sent to ``chat_id`` now."""
        now = self._clock()
        self._chat(chat_id).record(now, cost)
        self._overall.record(now, cost)
        self._forget_idle_chats(now)

    def confirm(self, chat_id: int, cost: int = 1) -> None:
        """The request to ``chat_id`` has been answered: count it from now, so that however long it took
        to reach Telegram, the next one reaches it at least the limit's interval later."""
        window = self._chats.get(chat_id)
        if window is not None:
            window.move_last(self._clock(), min(cost, window.limit.limit))

    def _chat(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = SlidingWindow(self._private if chat_id > 0 else self._group)
        return window

    def _forget_idle_chats(self, now: float) -> None:
        if len(self._chats) > 1000:
            for chat_id in [c for c, w in self._chats.items() if w.is_empty(now)]:
                del self._chats[chat_id]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: ``base``·2ⁿ after the n-th failure (n from 0), ±``jitter``, capped."""

    base: float = 1.0
    cap: float = 300.0
    jitter: float = 0.2

    def delay(self, failures: int, rng: Callable[[], float] = random.random) -> float:
        exponent = min(max(failures, 0), 32)
        nominal = min(self.cap, self.base * 2.0**exponent)
        spread = 1.0 + self.jitter * (2.0 * rng() - 1.0)
        return min(self.cap, nominal * spread)
