"""The bot's update queue: long polling (getUpdates) and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from sandbox.errors import ApiError, bad_request
from sandbox.params import Upload

Update = dict[str, Any]
WebhookReply = Callable[[str, dict[str, Any], dict[str, Upload], bool], Awaitable[None]]

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0

    def info(self, pending: int, allowed: list[str] | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.last_error_date is not None:
            data.update(last_error_date=self.last_error_date, last_error_message=self.last_error_message)
        if allowed is not None:
            data["allowed_updates"] = allowed
        return data


@dataclass
class UpdateQueue:
    """Pending updates, waited on with an asyncio.Event replaced on each change."""

    retry_delays: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1.0)
    pending: list[Update] = field(default_factory=list)
    allowed: list[str] | None = None
    webhook: Webhook | None = None
    next_id: int = 1
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    polling: asyncio.Event = field(default_factory=asyncio.Event)
    """Set while a getUpdates request is waiting for updates (lets tests know the long poll is parked)."""
    _poll_generation: int = 0
    _delivery: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None
    on_reply: WebhookReply | None = None
    """Executes a method the webhook answered with (Telegram runs it, and reports nothing back)."""

    def wants(self, kind: str) -> bool:
        if self.allowed:
            return kind in self.allowed
        return kind not in DEFAULT_EXCLUDED

    def push(self, kind: str, payload: dict[str, Any], check: Callable[[Update], None]) -> Update | None:
        """Enqueue an update unless allowed_updates filters it out; check may raise before it is queued."""
        if not self.wants(kind):
            return None
        update = {"update_id": self.next_id, kind: payload}
        check(update)
        self.next_id += 1
        self.pending.append(update)
        self._signal()
        return update

    def _signal(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    async def poll(
        self, offset: int | None, limit: int, wait_seconds: float, allowed: list[str] | None
    ) -> list[Update]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        if not 1 <= limit <= 100:
            limit = 100
        if allowed is not None:
            self.allowed = allowed
        self.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._signal()
        deadline = time.monotonic() + max(wait_seconds, 0)
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            changed = self._changed
            self.polling.set()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
            finally:
                self.polling.clear()
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            if self.webhook is not None:
                raise ApiError(409, WEBHOOK_CONFLICT)
        return self.pending[:limit]

    def set_webhook(
        self, url: str, secret_token: str | None, drop: bool, allowed: list[str] | None, max_connections: int
    ) -> None:
        check_loopback(url)
        if drop:
            self.pending.clear()
        if allowed is not None:
            self.allowed = allowed
        self.webhook = Webhook(url=url, secret_token=secret_token, max_connections=max_connections)
        self._signal()
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.create_task(self._deliver_forever(), name="sandbox-webhook")

    async def delete_webhook(self, drop: bool) -> None:
        if drop:
            self.pending.clear()
        self.webhook = None
        self._signal()
        await self._stop_delivery()

    async def close(self) -> None:
        await self._stop_delivery()
        if self._session is not None:
            await self._session.close()

    async def _stop_delivery(self) -> None:
        task, self._delivery = self._delivery, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_forever(self) -> None:
        failures = 0
        while self.webhook is not None:
            if not self.pending:
                await self._changed.wait()
                continue
            webhook, update = self.webhook, self.pending[0]
            error = await self._post(webhook, update)
            if error is None:
                failures = 0
                webhook.delivered += 1
                if self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                continue
            webhook.last_error_date, webhook.last_error_message = int(time.time()), error
            await asyncio.sleep(self.retry_delays[min(failures, len(self.retry_delays) - 1)])
            failures += 1

    async def _post(self, webhook: Webhook, update: Update) -> str | None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        try:
            async with self._session.post(
                webhook.url,
                data=json.dumps(update, ensure_ascii=False),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=60),
            ) as response:
                if not 200 <= response.status < 300:
                    await response.read()
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                await self._run_reply(response)
                return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {type(exc).__name__}"

    async def _run_reply(self, response: aiohttp.ClientResponse) -> None:
        if self.on_reply is None:
            return
        fields: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            await _read_multipart(response, fields, files)
            is_form = True
        else:
            body = await response.read()
            loaded = json.loads(body) if body.strip() else {}
            fields = loaded if isinstance(loaded, dict) else {}
            is_form = False
        method = fields.pop("method", None)
        if isinstance(method, str):
            await self.on_reply(method, fields, files, is_form)


async def _read_multipart(
    response: aiohttp.ClientResponse, fields: dict[str, Any], files: dict[str, Upload]
) -> None:
    reader = aiohttp.MultipartReader.from_response(response)
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename:
            files[part.name] = Upload(
                part.filename, bytes(await part.read()), part.headers.get("Content-Type", "")
            )
        else:
            fields[part.name] = await part.text()


def check_loopback(url: str) -> None:
    """The sandbox only ever POSTs to this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: invalid webhook URL specified")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise bad_request(
            "bad webhook: the sandbox only delivers to loopback addresses (127.0.0.1, ::1, localhost)"
        )
