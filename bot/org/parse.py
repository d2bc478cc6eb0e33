"""YAML text → ``OrgSpec``, with every problem found reported at its line.

Pure: what the database already holds comes in as a ``KnownOrg``. The spec of a result with problems
is partial and must not be applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.org.codes import is_locality, is_province, is_ward, topic_codes
from bot.org.spec import ANY, GroupSpec, KnownOrg, OrgSpec, RouteSpec, UnitSpec
from bot.workflow.sla import SlaError, parse_unit_overrides

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SLUG_MAX = 64
NAME_MAX = 200
TITLE_MAX = 255
INTEGER = re.compile(r"[-+]?[0-9]+\Z")
NULL_TAG = "tag:yaml.org,2002:null"
INT_TAG = "tag:yaml.org,2002:int"
STR_TAG = "tag:yaml.org,2002:str"

TOP_KEYS = ("admins", "units", "routes", "groups")
UNIT_KEYS = ("id", "name", "locality", "parent", "staff_chat", "officials", "sla", "admins")
ROUTE_KEYS = ("locality", "topic", "unit")
GROUP_KEYS = ("chat", "locality", "title")


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    line: int
    message: str

    def render(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParseResult:
    spec: OrgSpec
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(slots=True)
class _Entry:
    """A mapping of the file: its line, how problems name it, and its (non-null) value nodes by key."""

    line: int
    label: str
    values: dict[str, Node] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        node = self.values.get(key)
        return self.line if node is None else _line(node)


@dataclass(slots=True)
class _Located[T]:
    spec: T
    entry: _Entry


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


class _Reader:
    """Builds spec items from YAML nodes, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def count(self) -> int:
        return len(self.problems)

    def entry(
        self, node: Node, label: str, keys: tuple[str, ...], required: tuple[str, ...]
    ) -> _Entry | None:
        if not isinstance(node, MappingNode):
            self.problem(_line(node), f"{label}: expected a mapping with keys {', '.join(keys)}")
            return None
        entry = _Entry(_line(node), label)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in keys:
                shown = key if key is not None else "(not a plain key)"
                self.problem(
                    _line(key_node), f'{label}: unknown key "{shown}" (expected one of: {", ".join(keys)})'
                )
            elif key in entry.values:
                self.problem(_line(key_node), f'{label}: key "{key}" is given twice')
            elif not _is_null(value_node):
                entry.values[key] = value_node
        for key in required:
            if key not in entry.values:
                self.problem(entry.line, f'{label}: "{key}" is missing')
        return entry

    def sequence(self, node: Node, label: str) -> list[Node] | None:
        if _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.problem(_line(node), f"{label}: expected a list")
            return None
        return list(node.value)

    def integer(self, node: Node, label: str) -> int | None:
        if isinstance(node, ScalarNode) and node.tag == INT_TAG and INTEGER.match(node.value):
            return int(node.value)
        self.problem(_line(node), f"{label}: expected an integer, not {_shown(node)}")
        return None

    def integers(self, node: Node, label: str) -> tuple[int, ...] | None:
        items = self.sequence(node, label)
        if items is None:
            return None
        values = [self.integer(item, label) for item in items]
        if any(value is None for value in values):
            return None
        return tuple(sorted({value for value in values if value is not None}))

    def text(self, node: Node, label: str, limit: int) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != STR_TAG:
            self.problem(_line(node), f"{label}: expected text, not {_shown(node)}")
            return None
        value: str = node.value.strip()
        if not value:
            self.problem(_line(node), f"{label}: must not be empty")
            return None
        if len(value) > limit:
            self.problem(_line(node), f"{label}: longer than {limit} characters")
            return None
        return value

    def word(self, node: Node, label: str) -> str | None:
        """A scalar read as written (so ``id: 2024`` or ``topic: yes`` stay text)."""
        if not isinstance(node, ScalarNode):
            self.problem(_line(node), f"{label}: expected a single value, not {_shown(node)}")
            return None
        value: str = node.value
        return value.strip()

    def slug(self, node: Node, label: str) -> str | None:
        value = self.word(node, label)
        if value is None:
            return None
        if not SLUG.match(value) or len(value) > SLUG_MAX:
            self.problem(
                _line(node),
                f'{label}: "{value}" is not a valid unit id (lower-case letters, digits and single hyphens, '
                f"at most {SLUG_MAX} characters)",
            )
            return None
        return value

    def code(self, node: Node, label: str) -> int | None:
        """A locality code written as an integer or as text of digits."""
        if isinstance(node, ScalarNode) and node.tag in (INT_TAG, STR_TAG) and node.value.strip().isdigit():
            return int(node.value.strip())
        self.problem(_line(node), f"{label}: expected a locality code, not {_shown(node)}")
        return None


def _shown(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f'"{node.value}"'


def _raw_node(node: Node, key: str) -> ScalarNode | None:
    """A plain value of a mapping, looked up even when the mapping is invalid."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == key
                and isinstance(value_node, ScalarNode)
            ):
                return None if _is_null(value_node) else value_node
    return None


def _raw(node: Node, key: str) -> str | None:
    value_node = _raw_node(node, key)
    value: str = "" if value_node is None else value_node.value.strip()
    return value or None


def _unit_label(node: Node, index: int) -> str:
    unit_id = _raw(node, "id")
    return f"unit #{index}" if unit_id is None else f'unit "{unit_id}"'


def _read_unit(reader: _Reader, node: Node, index: int, topics: frozenset[str]) -> _Located[UnitSpec] | None:
    label = _unit_label(node, index)
    entry = reader.entry(node, label, UNIT_KEYS, ("id", "name", "locality"))
    if entry is None:
        return None
    before = reader.count()
    get = entry.values.get
    unit_id = _optional(get("id"), lambda n: reader.slug(n, f"{label}: id"))
    name = _optional(get("name"), lambda n: reader.text(n, f"{label}: name", NAME_MAX))
    locality = _optional(get("locality"), lambda n: _locality(reader, n, f"{label}: locality"))
    parent = _optional(get("parent"), lambda n: reader.slug(n, f"{label}: parent"))
    staff_chat = _optional(get("staff_chat"), lambda n: reader.integer(n, f"{label}: staff_chat"))
    officials = _optional(get("officials"), lambda n: reader.integers(n, f"{label}: officials"))
    sla = _optional(get("sla"), lambda n: _unit_sla(reader, n, f"{label}: sla", topics))
    admins = _optional(get("admins"), lambda n: reader.integers(n, f"{label}: admins"))
    if reader.count() > before or unit_id is None or name is None or locality is None:
        return None
    return _Located(UnitSpec(unit_id, name, locality, parent, staff_chat, officials, sla, admins), entry)


def _unit_sla(
    reader: _Reader, node: Node, label: str, topics: frozenset[str]
) -> tuple[tuple[str, str], ...] | None:
    """``{topic-or-*: duration}``, each value checked where it is written; durations normalised (``3d``)."""
    if not isinstance(node, MappingNode):
        reader.problem(_line(node), f'{label}: expected a mapping of topic (or "*") to a duration like 3d')
        return None
    before = reader.count()
    values: dict[str, str] = {}
    for key_node, value_node in node.value:
        topic = reader.word(key_node, label)
        if topic is None:
            continue
        if topic in values:
            reader.problem(_line(key_node), f'{label}: topic "{topic}" is given twice')
            continue
        if not isinstance(value_node, ScalarNode) or _is_null(value_node):
            reader.problem(_line(value_node), f"{label}.{topic}: expected a duration like 3d, 4h or 1d4h")
            continue
        try:
            duration = parse_unit_overrides({topic: value_node.value}, topics - {ANY})[topic]
        except SlaError as error:
            line = _line(key_node) if "unknown topic" in str(error) else _line(value_node)
            reader.problem(line, f"{label[: -len(': sla')]}: {error}")
            continue
        values[topic] = str(duration)
    return None if reader.count() > before else tuple(sorted(values.items()))


def _locality(reader: _Reader, node: Node, label: str) -> int | None:
    code = reader.code(node, label)
    if code is not None and not is_locality(code):
        reader.problem(_line(node), f"{label}: {code} is not a current province or ward code")
        return None
    return code


def _read_route(
    reader: _Reader, node: Node, index: int, topics: frozenset[str]
) -> _Located[RouteSpec] | None:
    label = f"route #{index}"
    entry = reader.entry(node, label, ROUTE_KEYS, ROUTE_KEYS)
    if entry is None:
        return None
    get = entry.values.get
    locality = _optional(get("locality"), lambda n: _route_locality(reader, n, f"{label}: locality"))
    topic = _optional(get("topic"), lambda n: reader.word(n, f"{label}: topic"))
    unit = _optional(get("unit"), lambda n: reader.slug(n, f"{label}: unit"))
    if topic is not None and topic not in topics:
        known = ", ".join(sorted(topics - {ANY}))
        reader.problem(entry.line_of("topic"), f'{label}: unknown topic "{topic}" (known: {known}, or "*")')
        return None
    if locality is None or topic is None or unit is None:
        return None
    return _Located(RouteSpec(locality, topic, unit), entry)


def _route_locality(reader: _Reader, node: Node, label: str) -> str | None:
    if isinstance(node, ScalarNode) and node.value == ANY:
        return ANY
    code = _locality(reader, node, label)
    return None if code is None else str(code)


def _read_group(reader: _Reader, node: Node, index: int) -> _Located[GroupSpec] | None:
    label = f"group #{index}"
    entry = reader.entry(node, label, GROUP_KEYS, ("chat", "locality"))
    if entry is None:
        return None
    before = reader.count()
    get = entry.values.get
    chat = _optional(get("chat"), lambda n: reader.integer(n, f"{label}: chat"))
    if chat is not None:
        label = entry.label = f"group {chat}"
    locality = _optional(get("locality"), lambda n: reader.code(n, f"{label}: locality"))
    title = _optional(get("title"), lambda n: reader.text(n, f"{label}: title", TITLE_MAX))
    if locality is not None and not is_ward(locality):
        kind = "a province code" if is_province(locality) else "not a current ward code"
        reader.problem(
            entry.line_of("locality"), f"{label}: locality {locality} is {kind}; a group needs a ward"
        )
    if reader.count() > before or chat is None or locality is None:
        return None
    return _Located(GroupSpec(chat, locality, title), entry)


def _optional[T](node: Node | None, read: Callable[[Node], T | None]) -> T | None:
    return None if node is None else read(node)


def _items(reader: _Reader, top: _Entry, key: str) -> list[Node]:
    node = top.values.get(key)
    if node is None:
        return []
    return reader.sequence(node, key) or []


def _compose(text: str, reader: _Reader) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        reader.problem(line, f"invalid YAML: {error.problem or error.context}")
    except yaml.YAMLError as error:
        reader.problem(1, f"invalid YAML: {error}")
    return None


def parse_org(text: str, known: KnownOrg | None = None, topics: frozenset[str] | None = None) -> ParseResult:
    """Read and validate an organisation file against what the database already holds."""
    known = known or KnownOrg()
    topics = topic_codes() if topics is None else topics
    reader = _Reader()
    root = _compose(text, reader)
    if root is None:
        if not reader.problems:
            reader.problem(1, f"the file is empty; expected a mapping with keys {', '.join(TOP_KEYS)}")
        return ParseResult(OrgSpec(), tuple(reader.problems))
    top = reader.entry(root, "file", TOP_KEYS, ())
    if top is None:
        return ParseResult(OrgSpec(), tuple(reader.problems))
    admins = _optional(top.values.get("admins"), lambda n: reader.integers(n, "admins"))
    unit_nodes = _items(reader, top, "units")
    units = _present(_read_unit(reader, node, i, topics) for i, node in enumerate(unit_nodes, 1))
    routes = _present(
        _read_route(reader, node, i, topics) for i, node in enumerate(_items(reader, top, "routes"), 1)
    )
    groups = _present(_read_group(reader, node, i) for i, node in enumerate(_items(reader, top, "groups"), 1))
    defined = {unit_id for node in unit_nodes if (unit_id := _raw(node, "id"))} | set(known.parents)
    units = _unique_units(reader, units)
    _check_parents(reader, unit_nodes, defined)
    _check_cycles(reader, units, known)
    staff_chats = _check_staff_chats(reader, units, known)
    _check_routes(reader, routes, defined)
    _check_groups(reader, groups, staff_chats)
    spec = OrgSpec(
        admins=admins,
        units=tuple(item.spec for item in units),
        routes=tuple(item.spec for item in routes),
        groups=tuple(item.spec for item in groups),
    )
    return ParseResult(spec, tuple(sorted(set(reader.problems))))


def _present[T](items: Iterable[_Located[T] | None]) -> list[_Located[T]]:
    return [item for item in items if item is not None]


def _unique_units(reader: _Reader, units: list[_Located[UnitSpec]]) -> list[_Located[UnitSpec]]:
    first: dict[str, _Located[UnitSpec]] = {}
    for item in units:
        seen = first.setdefault(item.spec.id, item)
        if seen is not item:
            line = item.entry.line_of("id")
            reader.problem(line, f"{item.entry.label}: defined twice (first at line {seen.entry.line})")
    return list(first.values())


def _check_parents(reader: _Reader, unit_nodes: list[Node], defined: set[str]) -> None:
    """Checked on every unit, valid or not, so that one run reports all undefined parents."""
    for index, node in enumerate(unit_nodes, 1):
        parent = _raw_node(node, "parent")
        if parent is not None and SLUG.match(parent.value) and parent.value not in defined:
            label = _unit_label(node, index)
            reader.problem(_line(parent), f'{label}: parent "{parent.value}" is not defined')


def _check_cycles(reader: _Reader, units: list[_Located[UnitSpec]], known: KnownOrg) -> None:
    in_file = {item.spec.id: item for item in units}
    parents = {**known.parents, **{unit_id: item.spec.parent for unit_id, item in in_file.items()}}
    reported: set[frozenset[str]] = set()
    for unit_id in in_file:
        path: list[str] = []
        current: str | None = unit_id
        while current is not None and current in parents and current not in path:
            path.append(current)
            current = parents[current]
        if current is None or current not in path:
            continue
        cycle = path[path.index(current) :]
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        start = min((in_file[u] for u in cycle if u in in_file), key=lambda item: item.entry.line)
        at = cycle.index(start.spec.id)
        chain = " → ".join([*cycle[at:], *cycle[:at], start.spec.id])
        reader.problem(start.entry.line_of("parent"), f"{start.entry.label}: parents form a cycle: {chain}")


def _check_staff_chats(reader: _Reader, units: list[_Located[UnitSpec]], known: KnownOrg) -> dict[int, str]:
    """Reports staff chats used twice; returns staff chat → unit as it will be once the file is imported."""
    in_file = {item.spec.id: item for item in units}
    owners: dict[int, tuple[str, _Located[UnitSpec] | None]] = {
        chat: (unit_id, None)
        for chat, unit_id in known.staff_chats.items()
        if unit_id not in in_file or in_file[unit_id].spec.staff_chat is None
    }
    for item in units:
        chat, label = item.spec.staff_chat, item.entry.label
        if chat is None:
            continue
        line = item.entry.line_of("staff_chat")
        owner_id, owner = owners.setdefault(chat, (item.spec.id, item))
        if owner_id != item.spec.id:
            where = "in the database" if owner is None else f"line {owner.entry.line_of('staff_chat')}"
            reader.problem(
                line, f'{label}: staff chat {chat} is already the staff chat of unit "{owner_id}" ({where})'
            )
        elif chat in known.group_chats:
            reader.problem(line, f"{label}: staff chat {chat} is a community group (in the database)")
    return {chat: unit_id for chat, (unit_id, _) in owners.items()}


def _check_routes(reader: _Reader, routes: list[_Located[RouteSpec]], defined: set[str]) -> None:
    first: dict[tuple[str, str], _Located[RouteSpec]] = {}
    for item in routes:
        route, label = item.spec, item.entry.label
        if route.unit not in defined:
            reader.problem(item.entry.line_of("unit"), f'{label}: unit "{route.unit}" is not defined')
        seen = first.setdefault((route.locality, route.topic), item)
        if seen is not item:
            reader.problem(
                item.entry.line,
                f'{label}: locality {route.locality}, topic "{route.topic}" is routed twice '
                f"(first at line {seen.entry.line})",
            )


def _check_groups(reader: _Reader, groups: list[_Located[GroupSpec]], staff_chats: dict[int, str]) -> None:
    first: dict[int, _Located[GroupSpec]] = {}
    for item in groups:
        chat, label = item.spec.chat, item.entry.label
        line = item.entry.line_of("chat")
        seen = first.setdefault(chat, item)
        if seen is not item:
            reader.problem(line, f"{label}: defined twice (first at line {seen.entry.line})")
        elif chat in staff_chats:
            reader.problem(line, f'{label}: this chat is the staff chat of unit "{staff_chats[chat]}"')
