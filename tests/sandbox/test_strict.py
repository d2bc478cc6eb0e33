"""Strict checks: requests against aiogram's methods and the spec, emitted objects against both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.types import Update

from sandbox import Sandbox, StrictViolation, aiogram_check
from sandbox.spec import DEFAULT_SPEC_PATH, Spec, load_spec

needs_spec = pytest.mark.skipif(
    not DEFAULT_SPEC_PATH.exists(), reason=f"no Bot API spec at {DEFAULT_SPEC_PATH}"
)


def good_update() -> dict[str, Any]:
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "text": "xin chào",
            "chat": {"id": 5, "type": "private", "first_name": "Lan"},
            "from": {"id": 5, "is_bot": False, "first_name": "Lan"},
        },
    }


async def post(sb: Sandbox, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sb.base_url}/bot{sb.token}/{method}", json=body) as resp,
    ):
        return resp.status, await resp.json()


async def test_unknown_parameter_is_rejected_and_recorded(sb: Sandbox) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    status, body = await post(sb, "sendMessage", {"chat_id": dm.id, "text": "x", "colour": "red"})

    assert status == 400
    assert body["description"].startswith("Bad Request: sandbox strict check: ")
    assert "sendMessage.colour" in body["description"]
    assert len(sb.violations) == 1 and "colour" in str(sb.violations[0])
    assert sb.messages_in(dm) == []
    sb.violations.clear()


async def test_wrong_json_type_is_rejected(sb: Sandbox) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    status, body = await post(sb, "sendMessage", {"chat_id": dm.id, "text": 123})
    assert status == 400 and "sendMessage.text" in body["description"]
    assert sb.violations
    sb.violations.clear()


async def test_missing_required_parameter_is_rejected(sb: Sandbox) -> None:
    status, body = await post(sb, "sendMessage", {"text": "không có chat_id"})
    assert status == 400 and "chat_id" in body["description"]
    sb.violations.clear()


async def test_form_encoded_requests_are_decoded_and_accepted(sb: Sandbox) -> None:
    dm = sb.private_chat(sb.user("Lan"))
    form = {
        "chat_id": str(dm.id),
        "text": "123",
        "disable_notification": "true",
        "reply_markup": json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}),
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sb.base_url}/bot{sb.token}/sendMessage", data=form) as resp,
    ):
        body = await resp.json()
    assert body["ok"], body
    assert body["result"]["text"] == "123"
    assert sb.calls[-1].params["disable_notification"] is True


def test_checker_rejects_an_unknown_field_in_an_emitted_object() -> None:
    bad = good_update()
    bad["message"]["chat"]["mood"] = "vui"
    problems = aiogram_check.check_object(Update, bad, "Update")
    assert problems == ["Update.message.chat.mood: field unknown to aiogram.types.Chat"]


def test_checker_rejects_a_missing_required_field() -> None:
    bad = good_update()
    del bad["message"]["date"]
    assert any("date" in p for p in aiogram_check.check_object(Update, bad, "Update"))


def test_checker_accepts_a_good_update() -> None:
    assert aiogram_check.check_object(Update, good_update(), "Update") == []


@needs_spec
def test_spec_rejects_unknown_missing_and_mistyped_fields() -> None:
    spec = load_spec()
    assert spec is not None
    assert spec.check_value(["Update"], good_update(), "Update") == []
    bad = good_update()
    bad["message"]["chat"]["mood"] = "vui"
    bad["message"]["message_id"] = "1"
    del bad["message"]["from"]["first_name"]
    problems = spec.check_value(["Update"], bad, "Update")
    assert any("chat.mood: unknown to Chat" in p for p in problems)
    assert any("message_id: expected Integer" in p for p in problems)
    assert any("first_name: required by User" in p for p in problems)


@needs_spec
def test_spec_checks_method_params() -> None:
    spec = load_spec()
    assert spec is not None
    assert spec.check_params("sendMessage", {"chat_id": 1, "text": "x"}) == []
    assert (
        spec.check_params("sendMessage", {"chat_id": "@kenh", "text": "x", "entities": [{"type": "bold"}]})
        != []
    )
    assert (
        spec.check_params(
            "sendMediaGroup", {"chat_id": 1, "media": [{"type": "photo", "media": "attach://a"}]}
        )
        == []
    )


def test_missing_spec_is_skipped_locally_but_an_error_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "api.json"
    monkeypatch.delenv("CI", raising=False)
    assert load_spec(missing) is None
    monkeypatch.setenv("CI", "true")
    with pytest.raises(FileNotFoundError, match="CI=true"):
        load_spec(missing)


def test_spec_loads_from_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"version": "t", "methods": {}, "types": {"X": {"name": "X", "fields": []}}}))
    spec = load_spec(path)
    assert isinstance(spec, Spec) and spec.check_value(["X"], {"y": 1}, "X") == [
        "X.y: unknown to X in Bot API spec t"
    ]


async def test_sandbox_refuses_to_emit_an_invalid_update(sb: Sandbox) -> None:
    with pytest.raises(StrictViolation, match="unknown"):
        sb.emulator.emit("message", {**good_update()["message"], "mood": "vui"})
    assert sb.pending_updates == []
    assert sb.violations
    sb.violations.clear()
