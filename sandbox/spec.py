"""Checks against the machine-readable Bot API specification (../shared/telegram-bot-api/api.json)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEFAULT_SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "telegram-bot-api" / "api.json"

# Names aiogram 3.31 (Bot API 10.3) knows but the stored 10.1 spec does not. Each entry is
# "<Method or Type>.<name>" and says why it is allowed; keep this list minimal.
NEWER_THAN_SPEC: dict[str, str] = {
    "ChatMemberAdministrator.can_send_welcome_messages": "required by aiogram 3.31's model (Bot API 10.3), "
    "absent from the 10.1 spec; without it aiogram cannot parse an administrator",
}


def load_spec(path: Path | None = None) -> Spec | None:
    """Load api.json; None when absent, except under CI=true where absence is an error."""
    path = path or Path(os.environ.get("SANDBOX_API_SPEC", DEFAULT_SPEC_PATH))
    if not path.exists():
        if os.environ.get("CI") == "true":
            raise FileNotFoundError(f"Bot API spec not found at {path} (required when CI=true)")
        return None
    return Spec(json.loads(path.read_text(encoding="utf-8")))


class Spec:
    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data.get("version", "?")
        self.methods: dict[str, dict[str, Any]] = {name.lower(): m for name, m in data["methods"].items()}
        self.types: dict[str, dict[str, Any]] = data["types"]

    def knows_method(self, method: str) -> bool:
        return method.lower() in self.methods

    def check_params(self, method: str, params: dict[str, Any]) -> list[str]:
        spec = self.methods.get(method.lower())
        if spec is None:
            return [f"{method}: method unknown to Bot API spec {self.version}"]
        return self._check_fields(spec["name"], spec.get("fields", []), params, spec["name"])

    def check_result(self, method: str, value: Any) -> list[str]:
        spec = self.methods.get(method.lower())
        if spec is None:
            return [f"{method}: method unknown to Bot API spec {self.version}"]
        return self.check_value(spec["returns"], value, f"{spec['name']} result")

    def check_value(self, types: list[str], value: Any, path: str) -> list[str]:
        best: list[str] | None = None
        for type_name in types:
            problems = self._check_one(type_name, value, path)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        if len(types) > 1 and best is not None:
            return [f"{path}: matches none of {' | '.join(types)}; closest: {best[0]}"]
        return best or []

    def _check_one(self, type_name: str, value: Any, path: str) -> list[str]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {type_name}, got {type(value).__name__}"]
            inner = type_name.removeprefix("Array of ")
            return [
                p for i, item in enumerate(value) for p in self.check_value([inner], item, f"{path}[{i}]")
            ]
        scalar = _scalar_matches(type_name, value)
        if scalar is not None:
            return (
                [] if scalar else [f"{path}: expected {type_name}, got {type(value).__name__} {value!r:.60}"]
            )
        spec = self.types.get(type_name)
        if spec is None:
            return [f"{path}: type {type_name} unknown to Bot API spec {self.version}"]
        if "subtypes" in spec:
            return self.check_value(spec["subtypes"], value, path)
        if not isinstance(value, dict):
            return [f"{path}: expected {type_name} object, got {type(value).__name__}"]
        return self._check_fields(type_name, spec.get("fields", []), value, path)

    def _check_fields(
        self, owner: str, fields: list[dict[str, Any]], value: dict[str, Any], path: str
    ) -> list[str]:
        by_name = {f["name"]: f for f in fields}
        problems = [
            f"{path}.{key}: unknown to {owner} in Bot API spec {self.version}"
            for key in value
            if key not in by_name and f"{owner}.{key}" not in NEWER_THAN_SPEC
        ]
        for name, field in by_name.items():
            if name not in value:
                if field["required"]:
                    problems.append(f"{path}.{name}: required by {owner} but missing")
                continue
            problems.extend(self.check_value(field["types"], value[name], f"{path}.{name}"))
        return problems


def _scalar_matches(type_name: str, value: Any) -> bool | None:
    """True/False for scalar spec types, None when type_name is not a scalar."""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    checks: dict[str, bool] = {
        "Integer": is_int,
        "Float": is_int or isinstance(value, float),
        "String": isinstance(value, str),
        "Boolean": isinstance(value, bool),
        "True": value is True,
        "InputFile": isinstance(value, str) and value.startswith("attach://"),
    }
    return checks.get(type_name)
