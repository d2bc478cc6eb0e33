"""``OrgSpec`` → YAML text, in the layout of the documented organisation file."""

from __future__ import annotations

import json

import yaml

from bot.org.spec import GroupSpec, OrgSpec, RouteSpec, UnitSpec

# Characters YAML reads as line breaks even inside a quoted scalar, which JSON leaves as they are.
_YAML_BREAKS = {"\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are a subset of YAML's)."""
    value = json.dumps(text, ensure_ascii=False)
    for char, escape in _YAML_BREAKS.items():
        value = value.replace(char, escape)
    return value


def word(text: str) -> str:
    """``text`` bare when YAML reads it back as the same text (``nghe-an``), else quoted (``"*"``)."""
    try:
        plain = yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain = False
    return text if plain and text.strip() == text and text else quoted(text)


def _integers(values: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(value) for value in values) + "]"


def _locality(code: str) -> str:
    return code if code.isdigit() else word(code)


def _unit(unit: UnitSpec) -> list[str]:
    lines = [f"  - id: {word(unit.id)}", f"    name: {quoted(unit.name)}", f"    locality: {unit.locality}"]
    if unit.parent is not None:
        lines.append(f"    parent: {word(unit.parent)}")
    if unit.staff_chat is not None:
        lines.append(f"    staff_chat: {unit.staff_chat}")
    if unit.officials is not None:
        lines.append(f"    officials: {_integers(unit.officials)}")
    if unit.sla is not None:
        pairs = ", ".join(f"{word(topic)}: {word(duration)}" for topic, duration in unit.sla)
        lines.append(f"    sla: {{{pairs}}}")
    if unit.admins is not None:
        lines.append(f"    admins: {_integers(unit.admins)}")
    return lines


def _route(route: RouteSpec) -> str:
    return (
        f"  - {{locality: {_locality(route.locality)}, topic: {word(route.topic)}, unit: {word(route.unit)}}}"
    )


def _group(group: GroupSpec) -> str:
    title = "" if group.title is None else f", title: {quoted(group.title)}"
    return f"  - {{chat: {group.chat}, locality: {group.locality}{title}}}"


def _section(key: str, lines: list[str]) -> list[str]:
    return [f"{key}:", *lines] if lines else [f"{key}: []"]


def dump_org(spec: OrgSpec) -> str:
    """The file text; sections and items come out in the order of the spec."""
    lines: list[str] = []
    if spec.admins is not None:
        lines.append(f"admins: {_integers(spec.admins)}")
    lines += _section("units", [line for unit in spec.units for line in _unit(unit)])
    lines += _section("routes", [_route(route) for route in spec.routes])
    lines += _section("groups", [_group(group) for group in spec.groups])
    return "\n".join(lines) + "\n"
