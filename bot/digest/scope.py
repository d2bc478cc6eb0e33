"""Whose tickets a reader may see in a digest.

A global admin (``Admin`` in the org file, or ``ADMIN_IDS``) sees every ticket, including those not yet
routed to a unit. A unit admin (``UnitAdmin``) sees the units they administer and every unit below
them, and nothing else: a reader with no unit sees nothing, never everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    """``unit_ids`` None: every ticket (a global admin); otherwise only tickets held by these units."""

    unit_ids: frozenset[str] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @property
    def is_global(self) -> bool:
        return self.unit_ids is None

    @property
    def is_empty(self) -> bool:
        return self.unit_ids is not None and not self.unit_ids

    def allows(self, unit_id: str | None) -> bool:
        return self.unit_ids is None or (unit_id is not None and unit_id in self.unit_ids)


def descendants(parents: Mapping[str, str | None], roots: Iterable[str]) -> frozenset[str]:
    """The roots that exist in ``parents`` (unit id → parent id) and every unit below them."""
    children: dict[str, list[str]] = {}
    for unit_id, parent_id in parents.items():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(unit_id)
    found: set[str] = set()
    stack = [root for root in roots if root in parents]
    while stack:
        unit_id = stack.pop()
        if unit_id in found:
            continue
        found.add(unit_id)
        stack.extend(children.get(unit_id, ()))
    return frozenset(found)


def unit_scope(parents: Mapping[str, str | None], unit_ids: Iterable[str]) -> Scope:
    """The scope of an admin of ``unit_ids``: those units and all below them."""
    return Scope(descendants(parents, unit_ids))


def reader_scope(
    parents: Mapping[str, str | None], is_global_admin: bool, administered: Iterable[str]
) -> Scope:
    """A reader's scope: everything for a global admin, else their units and all below (maybe nothing)."""
    if is_global_admin:
        return Scope.everything()
    return unit_scope(parents, administered)


__all__ = ["Scope", "descendants", "reader_scope", "unit_scope"]
