"""Checks against the installed aiogram's models (methods for requests, types for emitted objects).

aiogram's models allow extra fields, so validation alone would accept unknown names; we compare
names ourselves, walking the validated model alongside the raw JSON.
"""

from __future__ import annotations

import functools
from typing import Any

import aiogram.methods
from aiogram.methods import TelegramMethod
from pydantic import BaseModel, TypeAdapter, ValidationError


@functools.cache
def method_classes() -> dict[str, type[TelegramMethod[Any]]]:
    """aiogram method classes by lower-case Bot API method name."""
    found: dict[str, type[TelegramMethod[Any]]] = {}
    for name in aiogram.methods.__all__:
        cls = getattr(aiogram.methods, name)
        api_name = getattr(cls, "__api_method__", None)
        if isinstance(cls, type) and issubclass(cls, TelegramMethod) and isinstance(api_name, str):
            found[api_name.lower()] = cls
    return found


def method_class(method: str) -> type[TelegramMethod[Any]] | None:
    return method_classes().get(method.lower())


def param_names(cls: type[BaseModel]) -> dict[str, str]:
    """Wire name (alias or field name) -> field name."""
    return {(info.alias or name): name for name, info in cls.model_fields.items()}


def check_request(method: str, params: dict[str, Any]) -> list[str]:
    cls = method_class(method)
    if cls is None:
        return [f"{method}: method unknown to aiogram"]
    known = param_names(cls)
    problems = [
        f"{method}.{key}: parameter unknown to aiogram.methods.{cls.__name__}"
        for key in params
        if key not in known
    ]
    try:
        cls.model_validate(params)
    except ValidationError as exc:
        problems.extend(f"{method}.{_loc(err['loc'])}: {err['msg']}" for err in exc.errors())
    return problems


def check_result(method: str, value: Any) -> list[str]:
    cls = method_class(method)
    if cls is None:
        return [f"{method}: method unknown to aiogram"]
    return check_object(cls.__returning__, value, f"{cls.__name__} result")


def check_object(annotation: Any, value: Any, path: str) -> list[str]:
    """Validate value as annotation and report any key aiogram's models do not declare."""
    try:
        parsed = _adapter(annotation).validate_python(value)
    except ValidationError as exc:
        return [f"{path}.{_loc(err['loc'])}: {err['msg']}" for err in exc.errors()]
    return list(_unknown_keys(parsed, value, path))


@functools.cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _unknown_keys(parsed: Any, raw: Any, path: str) -> list[str]:
    if isinstance(parsed, BaseModel) and isinstance(raw, dict):
        names = param_names(type(parsed))
        problems: list[str] = []
        for key, item in raw.items():
            field_name = names.get(key)
            if field_name is None:
                problems.append(f"{path}.{key}: field unknown to aiogram.types.{type(parsed).__name__}")
            else:
                problems.extend(_unknown_keys(getattr(parsed, field_name), item, f"{path}.{key}"))
        return problems
    if isinstance(parsed, list | tuple) and isinstance(raw, list):
        return [
            p
            for i, (a, b) in enumerate(zip(parsed, raw, strict=False))
            for p in _unknown_keys(a, b, f"{path}[{i}]")
        ]
    return []


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)
