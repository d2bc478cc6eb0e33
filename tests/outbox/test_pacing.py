"""Rate limits and backoff, with a fake clock: no real time passes."""

from __future__ import annotations

import itertools

import pytest

from bot.outbox.pacing import Backoff, Limit, Pacer, SlidingWindow

PRIVATE = 1_000_001
GROUP = -1_000_000_000_001


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def send_greedily(pacer: Pacer, clock: FakeClock, chat_id: int, count: int, cost: int = 1) -> list[float]:
    """Send as soon as the pacer allows; return the send times."""
    times = []
    for _ in range(count):
        clock.advance(pacer.delay(chat_id, cost))
        assert pacer.delay(chat_id, cost) == 0
        pacer.record(chat_id, cost)
        times.append(clock.now)
    return times


def most_in_any_window(times: list[float], per: float) -> int:
    return max(sum(1 for t in times if start <= t < start + per) for start in times)


def test_a_private_chat_gets_at_most_one_message_a_second() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    times = send_greedily(pacer, clock, PRIVATE, 5)
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [1.0] * 4


def test_a_group_gets_a_burst_then_at_most_twenty_a_minute() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    times = send_greedily(pacer, clock, GROUP, 65)
    assert times[19] == times[0]  # the first twenty go at once
    assert times[20] == times[0] + 60
    assert most_in_any_window(times, 60.0) == 20


def test_chats_do_not_wait_for_each_other_but_share_the_overall_limit() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    for chat_id in range(1, 31):
        assert pacer.delay(chat_id) == 0
        pacer.record(chat_id)
    assert pacer.delay(31) == pytest.approx(1.0)
    clock.advance(1.0)
    assert pacer.delay(31) == 0


def test_an_album_counts_each_of_its_messages() -> None:
    clock = FakeClock()
    pacer = Pacer(group=Limit(20, 60.0), clock=clock)
    pacer.record(GROUP, cost=10)
    pacer.record(GROUP, cost=10)
    assert pacer.delay(GROUP) == pytest.approx(60.0)


def test_the_window_forgets_what_is_older_than_it() -> None:
    window = SlidingWindow(Limit(2, 10.0))
    window.record(0.0)
    window.record(4.0)
    assert window.delay(5.0) == pytest.approx(5.0)
    assert window.delay(10.0) == 0
    assert window.delay(10.0, cost=2) == pytest.approx(4.0)


def test_backoff_doubles_from_one_second_and_stops_at_five_minutes() -> None:
    backoff = Backoff(jitter=0.0)
    assert [backoff.delay(n) for n in range(10)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert backoff.delay(1000) == 300


def test_backoff_jitter_stays_within_its_spread_and_under_the_cap() -> None:
    backoff = Backoff(jitter=0.2)
    assert backoff.delay(2, rng=lambda: 0.0) == pytest.approx(3.2)
    assert backoff.delay(2, rng=lambda: 1.0) == pytest.approx(4.8)
    assert backoff.delay(20, rng=lambda: 1.0) == 300


def test_a_slow_request_counts_from_its_answer() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.record(PRIVATE)
    clock.advance(0.4)  # the request took 0.4 s to be answered
    pacer.confirm(PRIVATE)
    assert pacer.delay(PRIVATE) == pytest.approx(1.0)
