"""answerCallbackQuery: a query exists, is answered once, and only within its lifetime."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sandbox.errors import bad_request
from sandbox.methods.registry import Files, Params, api_method

if TYPE_CHECKING:
    from sandbox.core import Emulator

TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


@api_method("answerCallbackQuery")
async def answer_callback_query(em: Emulator, params: Params, files: Files) -> bool:
    query = em.queries.get(params["callback_query_id"])
    if query is None or query.answer is not None or time.monotonic() - query.created > em.callback_lifetime:
        raise bad_request(TOO_OLD)
    text = params.get("text", "")
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
    return True
