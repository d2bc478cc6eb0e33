"""Strict checking of every request and every emitted object, and the record of violations."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram.types import Update

from sandbox import aiogram_check
from sandbox.spec import Spec, load_spec


@dataclass(frozen=True)
class Violation:
    """One failed strict check: what was checked and every problem found."""

    where: str
    problems: tuple[str, ...]
    at: float = field(default_factory=time.time)

    def __str__(self) -> str:
        return f"{self.where}: " + "; ".join(self.problems)


class StrictChecker:
    def __init__(self, *, enabled: bool = True, spec_path: Path | None = None) -> None:
        self.enabled = enabled
        self.spec: Spec | None = load_spec(spec_path) if enabled else None
        self.violations: list[Violation] = []

    def request(self, method: str, params: dict[str, Any]) -> list[str]:
        problems = aiogram_check.check_request(method, params)
        if self.spec is not None:
            problems += self.spec.check_params(method, params)
        return self._record(f"request {method}", problems)

    def result(self, method: str, value: Any) -> list[str]:
        problems = aiogram_check.check_result(method, value)
        if self.spec is not None:
            problems += self.spec.check_result(method, value)
        return self._record(f"result of {method}", problems)

    def update(self, update: dict[str, Any]) -> list[str]:
        problems = aiogram_check.check_object(Update, update, "Update")
        if self.spec is not None:
            problems += self.spec.check_value(["Update"], update, "Update")
        return self._record("emitted update", problems)

    def _record(self, where: str, problems: list[str]) -> list[str]:
        if not self.enabled:
            return []
        unique = list(dict.fromkeys(problems))
        if unique:
            self.violations.append(Violation(where, tuple(unique)))
        return unique
