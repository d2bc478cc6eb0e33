"""Decoding request parameters: JSON bodies keep their types; form and query values are strings
that we turn back into JSON values guided by the parameter's type in aiogram's method model."""

from __future__ import annotations

import datetime
import enum
import json
import re
import types
import typing
from dataclasses import dataclass
from typing import Any

from aiogram.client.default import Default
from pydantic import BaseModel

from sandbox.aiogram_check import method_class, param_names

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str


def coerce_form(method: str, raw: dict[str, str]) -> dict[str, Any]:
    cls = method_class(method)
    fields = cls.model_fields if cls else {}
    names = param_names(cls) if cls else {}
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        field = fields.get(names.get(key, ""))
        decoded[key] = coerce_value(_kinds(field.annotation) if field else {"str"}, value)
    return decoded


def coerce_value(kinds: set[str], raw: str) -> Any:
    if "json" in kinds and raw[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if "bool" in kinds and raw in ("true", "false"):
        return raw == "true"
    if "int" in kinds and _INT.fullmatch(raw):
        return int(raw)
    if "float" in kinds and _FLOAT.fullmatch(raw):
        return float(raw)
    return raw


def _kinds(annotation: Any) -> set[str]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            args = args[:1]
        return set().union(*(_kinds(arg) for arg in args))
    if origin is typing.Literal:
        return {_scalar_kind(type(v)) for v in typing.get_args(annotation)}
    if origin in (list, dict, tuple) or annotation in (list, dict):
        return {"json"}
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return {"json"}
        if annotation is Default or annotation is type(None):
            return set()
        return {_scalar_kind(annotation)}
    return {"str"}


def _scalar_kind(tp: type) -> str:
    if issubclass(tp, bool):
        return "bool"
    if issubclass(tp, enum.Enum | str):
        return "str"
    if issubclass(tp, int | datetime.datetime | datetime.timedelta):
        return "int"
    if issubclass(tp, float):
        return "float"
    return "str"
