"""A small JSON control API under /sandbox/ for manual use (and the future web chat UI).

It acts through the same driver the tests use, so people's actions follow the same rules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.people import Person, SandboxUsageError

if TYPE_CHECKING:
    from sandbox.driver import Sandbox

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def install(app: web.Application, sandbox: Callable[[], Sandbox]) -> None:
    api = _Control(sandbox)
    app.router.add_get("/sandbox", api.overview)
    app.router.add_post("/sandbox/users", _guard(api.add_user))
    app.router.add_post("/sandbox/groups", _guard(api.add_group))
    app.router.add_post("/sandbox/messages", _guard(api.say))
    app.router.add_post("/sandbox/press", _guard(api.press))
    app.router.add_get("/sandbox/chats/{chat_id}/messages", _guard(api.history))
    app.router.add_get("/sandbox/calls", api.calls)


def _guard(route: Route) -> Route:
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await route(request)
        except (SandboxUsageError, KeyError, ValueError, TypeError) as exc:
            return web.json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, status=400)

    return guarded


class _Control:
    def __init__(self, sandbox: Callable[[], Sandbox]) -> None:
        self._sandbox = sandbox
        self._people: dict[int, Person] = {}

    @property
    def sb(self) -> Sandbox:
        return self._sandbox()

    def person(self, user_id: Any) -> Person:
        person = self._people.get(int(user_id))
        if person is None:
            raise KeyError(f"no user {user_id} created through /sandbox/users")
        return person

    async def overview(self, request: web.Request) -> web.StreamResponse:
        world = self.sb.emulator.world
        return web.json_response(
            {
                "bot": world.bot.to_api(),
                "users": [p.user.to_api() for p in self._people.values()],
                "chats": [chat.to_api() for chat in world.chats.values()],
                "violations": [str(v) for v in self.sb.violations],
            }
        )

    async def add_user(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        person = self.sb.user(
            body["first_name"],
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code"),
        )
        self._people[person.id] = person
        return web.json_response(
            {"user": person.user.to_api(), "private_chat_id": self.sb.private_chat(person).id}
        )

    async def add_group(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        group = self.sb.group(
            body["title"],
            members=[self.person(i) for i in body.get("member_ids", [])],
            supergroup=bool(body.get("supergroup", True)),
            forum=bool(body.get("forum", False)),
            bot_admin=bool(body.get("bot_admin", False)),
            can_manage_topics=bool(body.get("can_manage_topics", False)),
            privacy=bool(body.get("privacy", True)),
        )
        return web.json_response({"chat": group.chat.to_api()})

    async def say(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        chat = self.sb.world_chat(int(body["chat_id"]))
        reply_id = body.get("reply_to_message_id")
        reply_to = self.sb.message(chat, int(reply_id)) if reply_id is not None else None
        message = await self.person(body["user_id"]).say(
            chat, body["text"], topic=body.get("topic"), reply_to=reply_to
        )
        return web.json_response({"message": message})

    async def press(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        message = self.sb.message(int(body["chat_id"]), int(body["message_id"]))
        query = await self.person(body["user_id"]).press(
            message, body.get("text"), callback_data=body.get("callback_data")
        )
        return web.json_response({"callback_query": query})

    async def history(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"messages": self.sb.messages_in(int(request.match_info["chat_id"]))})

    async def calls(self, request: web.Request) -> web.StreamResponse:
        since = int(request.query.get("since", "0"))
        calls = [
            {
                "seq": c.seq,
                "method": c.method,
                "chat_id": c.chat_id,
                "params": c.params,
                "ok": c.ok,
                "error": c.error,
                "fault": c.fault,
                "wall_time": c.wall_time,
            }
            for c in self.sb.calls[since:]
        ]
        return web.json_response({"calls": calls})
