"""HTTP front of the emulator: Bot API URLs, request decoding, fault injection and the call record."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.calls import Call
from sandbox.core import Emulator
from sandbox.errors import ApiError
from sandbox.faults import Fault
from sandbox.params import Upload, coerce_form

MAX_UPLOAD = 50 * 1024 * 1024
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}


class _Dropped(Exception):
    """The connection was closed without an answer."""


def build_app(emulator: Emulator, extend: Callable[[web.Application], None] | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_UPLOAD)
    handlers = _Handlers(emulator)
    app.router.add_route("*", "/bot{token}/{method}", handlers.api)
    app.router.add_get("/file/bot{token}/{file_path:.+}", handlers.file)
    if extend is not None:
        extend(app)
    return app


class _Handlers:
    def __init__(self, emulator: Emulator) -> None:
        self.em = emulator

    async def api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            params, files = await read_params(request, method)
        except ApiError as exc:
            return _json(exc.code, exc.body())
        call = self.em.log.begin(method, params, tuple(files), self.em.chat_id_of(params))
        try:
            status, body = await self._answer(request, call, params, files)
        except _Dropped:
            call.fault = "drop"
            self.em.log.finish(call)
            _drop(request)
            raise asyncio.CancelledError from None
        call.status, call.response = status, body
        self.em.log.finish(call)
        return _json(status, body)

    async def _answer(
        self, request: web.Request, call: Call, params: dict[str, Any], files: dict[str, Upload]
    ) -> tuple[int, dict[str, Any]]:
        if request.match_info["token"] != self.em.token:
            return 401, UNAUTHORIZED
        fault = self.em.faults.take(call.method, call.chat_id)
        if fault is not None:
            call.fault = fault.label
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)
        if fault is not None and not fault.after_handling and (fault.drop or fault.status is not None):
            return _faulted(fault)
        try:
            self.em.rate_limits.check(call.method, call.chat_id)
        except ApiError as exc:
            call.fault = "rate limit"
            return exc.code, exc.body()
        status, body = await self.em.call(call.method, params, files)
        if fault is not None and fault.after_handling and (fault.drop or fault.status is not None):
            return _faulted(fault)
        return status, body

    async def file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.em.token:
            return _json(401, UNAUTHORIZED)
        stored = self.em.world.file_by_path(request.match_info["file_path"])
        if stored is None:
            return _json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _faulted(fault: Fault) -> tuple[int, dict[str, Any]]:
    if fault.drop:
        raise _Dropped
    body = fault.error_body()
    return body["error_code"], body


def _drop(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


async def read_params(request: web.Request, method: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Query string, JSON body, urlencoded or multipart form: all become one params dict plus uploads."""
    raw: dict[str, str] = dict(request.query)
    files: dict[str, Upload] = {}
    body: dict[str, Any] = {}
    if request.content_type == "application/json":
        try:
            loaded = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON") from None
        if not isinstance(loaded, dict):
            raise ApiError(400, "Bad Request: JSON body must be an object")
        body = loaded
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                raw[key] = str(value)
    return coerce_form(method, raw) | body, files
