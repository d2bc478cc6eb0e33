"""What an organisation file says, independent of YAML and of the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ANY = "*"


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A unit. ``staff_chat``, ``officials``, ``sla`` and ``admins`` set to None mean "not in the file": the
    import keeps them. ``sla``: (topic code or ``*``, working duration like ``3d``) pairs, sorted by topic;
    ``admins``: the unit's admins (``UnitAdmin``)."""

    id: str
    name: str
    locality: int
    parent: str | None = None
    staff_chat: int | None = None
    officials: tuple[int, ...] | None = None
    sla: tuple[tuple[str, str], ...] | None = None
    admins: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """(locality, topic) → unit; ``locality`` is a code as text (``"17357"``) or ``"*"``, as stored."""

    locality: str
    topic: str
    unit: str


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A community group bound to a ward; ``title`` None keeps the stored title."""

    chat: int
    locality: int
    title: str | None = None


@dataclass(frozen=True, slots=True)
class OrgSpec:
    """A whole file. ``admins`` None (key absent) leaves the stored admins alone."""

    admins: tuple[int, ...] | None = None
    units: tuple[UnitSpec, ...] = ()
    routes: tuple[RouteSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class KnownOrg:
    """What the database already holds that a file is validated against."""

    parents: Mapping[str, str | None] = field(default_factory=dict)
    staff_chats: Mapping[int, str] = field(default_factory=dict)
    group_chats: frozenset[int] = frozenset()


@dataclass(slots=True)
class ImportSummary:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    officials_added: int = 0
    officials_removed: int = 0
    admins_added: int = 0
    admins_removed: int = 0
    unit_admins_added: int = 0
    unit_admins_removed: int = 0
    routes_created: int = 0
    routes_updated: int = 0
    groups_created: int = 0
    groups_updated: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.units_created,
                self.units_updated,
                self.officials_added,
                self.officials_removed,
                self.admins_added,
                self.admins_removed,
                self.unit_admins_added,
                self.unit_admins_removed,
                self.routes_created,
                self.routes_updated,
                self.groups_created,
                self.groups_updated,
            )
        )

    def describe(self) -> str:
        lines = [
            f"units: {self.units_created} created, {self.units_updated} updated, "
            f"{self.units_unchanged} unchanged",
            f"officials: {self.officials_added} added, {self.officials_removed} removed",
            f"admins: {self.admins_added} added, {self.admins_removed} removed",
            f"unit admins: {self.unit_admins_added} added, {self.unit_admins_removed} removed",
            f"routes: {self.routes_created} created, {self.routes_updated} updated",
            f"groups: {self.groups_created} created, {self.groups_updated} updated",
        ]
        if not self.changed:
            lines.append("nothing changed")
        return "\n".join(lines)
