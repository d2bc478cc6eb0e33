"""The emulator: world state, update queue, strict checks and method dispatch, without HTTP."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox import methods
from sandbox.aiogram_check import method_class
from sandbox.calls import CallLog
from sandbox.errors import ApiError, StrictViolation
from sandbox.faults import Faults
from sandbox.params import Upload, coerce_form
from sandbox.privacy import bot_receives
from sandbox.ratelimit import RateLimits
from sandbox.strict import StrictChecker, Violation
from sandbox.updates import Update, UpdateQueue
from sandbox.world import Chat, Message, World


@dataclass
class PendingQuery:
    """A callback query the bot has to answer once, within the lifetime."""

    id: str
    created: float
    answer: dict[str, Any] | None = None


class Emulator:
    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_name: str = "Sandbox Bot",
        *,
        strict: bool = True,
        spec_path: Path | None = None,
        callback_lifetime: float = 15.0,
        rate_limits: bool = False,
    ) -> None:
        self.world = World(token, bot_username, bot_name)
        self.updates = UpdateQueue()
        self.faults = Faults()
        self.rate_limits = RateLimits(enabled=rate_limits)
        self.log = CallLog()
        self.checker = StrictChecker(enabled=strict, spec_path=spec_path)
        self.callback_lifetime = callback_lifetime
        self.queries: dict[str, PendingQuery] = {}
        self.updates.on_reply = self.webhook_reply

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def violations(self) -> list[Violation]:
        return self.checker.violations

    def emit(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue an update for the bot, after the strict checks (a failure raises StrictViolation)."""

        def check(update: Update) -> None:
            problems = self.checker.update(update)
            if problems:
                raise StrictViolation("sandbox emitted an invalid update: " + "; ".join(problems))

        return self.updates.push(kind, payload, check)

    def deliver(self, chat: Chat, message: Message, kind: str = "message") -> Update | None:
        """Queue a new (or edited) message as an update if the bot may see it."""
        if not bot_receives(chat, self.world.bot, message):
            return None
        return self.emit(kind, message)

    async def call(
        self, method: str, params: dict[str, Any], files: dict[str, Upload]
    ) -> tuple[int, dict[str, Any]]:
        """Execute one Bot API method and return (HTTP status, JSON body)."""
        handler = methods.HANDLERS.get(method.lower())
        if handler is None:
            if method_class(method) is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            problem = f"sandbox does not implement {method}"
            self.violations.append(Violation(f"request {method}", (problem,)))
            return 400, ApiError(400, f"Bad Request: {problem}").body()
        problems = self.checker.request(method, params)
        if problems:
            return 400, _strict_error(problems)
        try:
            result = await handler(self, params, files)
        except ApiError as exc:
            return exc.code, exc.body()
        except StrictViolation as exc:
            return 400, _strict_error([str(exc)])
        problems = self.checker.result(method, result)
        if problems:
            return 400, _strict_error(problems)
        return 200, {"ok": True, "result": result}

    def chat_id_of(self, params: dict[str, Any]) -> int | None:
        """The chat a request targets, for the call record and fault matching."""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            return chat_id
        try:
            return self.world.chat(chat_id).id if chat_id is not None else None
        except ApiError:
            return None

    async def webhook_reply(
        self, method: str, params: dict[str, Any], files: dict[str, Upload], is_form: bool
    ) -> None:
        """Run (and record) a method the bot returned in its webhook response."""
        decoded = coerce_form(method, params) if is_form else params
        call = self.log.begin(method, decoded, tuple(files), self.chat_id_of(decoded))
        call.status, call.response = await self.call(method, decoded, files)
        call.via = "webhook reply"
        self.log.finish(call)

    def new_query(self, query_id: str) -> PendingQuery:
        query = self.queries[query_id] = PendingQuery(query_id, time.monotonic())
        return query


def _strict_error(problems: list[str]) -> dict[str, Any]:
    return ApiError(400, "Bad Request: sandbox strict check: " + "; ".join(problems)).body()
