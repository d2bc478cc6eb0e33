"""Fault injection as aiogram experiences it, and the call record tests assert on."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from sandbox import Sandbox
from sandbox.testing import make_bot


async def test_429_is_retry_after_for_the_next_k_requests(sb: Sandbox, bot: Bot) -> None:
    group = sb.group("Thôn 2")
    other = sb.private_chat(sb.user("Lan"))
    sb.faults.inject(status=429, retry_after=2, method="sendMessage", chat=group, times=2)

    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(group.id, "tin")
        assert caught.value.retry_after == 2
    await bot.send_message(other.id, "chat khác không bị ảnh hưởng")
    await bot.send_message(group.id, "lần ba thì được")

    outcomes = [(c.error, c.fault) for c in sb.calls_to("sendMessage", chat=group)]
    assert outcomes == [("Too Many Requests: retry after 2", "status 429")] * 2 + [(None, None)]
    assert [m["text"] for m in sb.messages_in(group)] == ["lần ba thì được"], (
        "rejected sends leave no message"
    )


async def test_early_retries_after_429_are_reported(sb: Sandbox, bot: Bot) -> None:
    group = sb.group("Thôn 2")
    sb.faults.inject(status=429, retry_after=30, chat=group)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(group.id, "tin")
    assert sb.early_retries(group) == []

    await bot.send_message(group.id, "vội quá")

    early = sb.early_retries(group)
    assert len(early) == 1 and "before retry_after 30s" in early[0]


async def test_5xx_is_a_server_error(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sb.faults.inject(status=502, method="sendMessage")
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(dm.id, "x")
    sb.faults.inject(status=500)
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.get_me()


async def test_dropped_connection_is_a_network_error(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sb.faults.inject(drop=True, chat=dm)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(dm.id, "mất kết nối")
    assert sb.calls[-1].error == "connection dropped"
    assert sb.messages_in(dm) == []


async def test_drop_after_handling_loses_the_answer_but_not_the_message(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sb.faults.inject(drop=True, chat=dm, after_handling=True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(dm.id, "đã gửi nhưng không biết")
    assert [m["text"] for m in sb.messages_in(dm)] == ["đã gửi nhưng không biết"]


async def test_slow_answer_and_client_timeout(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    sb.faults.inject(delay=0.3, method="sendMessage")
    await bot.send_message(dm.id, "chậm")
    call = sb.calls_to("sendMessage")[-1]
    assert call.answered_at is not None and call.answered_at - call.at >= 0.3

    sb.faults.inject(delay=3, method="getMe")
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await bot.get_me(request_timeout=1)


async def test_time_window_fault_expires(sb: Sandbox, bot: Bot) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    fault = sb.faults.inject(status=500, method="sendMessage", for_seconds=0.0)
    await bot.send_message(dm.id, "cửa sổ đã hết")
    assert fault.hits == 0


async def test_wait_for_matches_calls_since_the_last_action(sb: Sandbox, bot: Bot) -> None:
    lan = sb.user("Lan")
    dm = sb.private_chat(lan)
    await bot.send_message(dm.id, "#0 cũ")
    await lan.say(dm, "xin chào")
    await bot.send_message(dm.id, "#1 đã nhận")

    call = await sb.wait_for("sendMessage", chat=dm, where=lambda c: "#" in c.params["text"], timeout=5)

    assert call.message["text"] == "#1 đã nhận"
    with pytest.raises(TimeoutError, match="no sendMessage call"):
        await sb.wait_for("sendMessage", chat=dm, where=lambda c: "#2" in c.params["text"], timeout=0.2)
    assert (await sb.wait_for("sendMessage", since=0)).params["text"] == "#0 cũ"


async def test_optional_flood_limits_answer_429() -> None:
    async with Sandbox.start(token="99:FLOOD", rate_limits=True) as limited:
        client = make_bot(limited)
        try:
            group = limited.group("Thôn 2")
            for n in range(20):
                await client.send_message(group.id, f"tin {n}")
            with pytest.raises(TelegramRetryAfter) as caught:
                await client.send_message(group.id, "tin 21")
            assert 1 <= caught.value.retry_after <= 60
        finally:
            await client.session.close()
        assert not limited.violations
