"""Routing: which unit handles a ticket, from the (locality, topic) rules. Pure: no database, no Telegram."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

ANY = "*"


class Rule(Protocol):
    @property
    def locality(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def unit_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Route:
    unit_id: str
    locality: str
    topic: str


def precedence(ward_code: int | None, province_code: int | None, topic: str) -> list[tuple[str, str]]:
    """The (locality, topic) keys to try, most specific first."""
    keys: list[tuple[str, str]] = []
    if ward_code is not None:
        keys += [(str(ward_code), topic), (str(ward_code), ANY)]
    if province_code is not None:
        keys += [(str(province_code), topic), (str(province_code), ANY)]
    keys += [(ANY, topic), (ANY, ANY)]
    return keys


def choose_route(
    rules: Iterable[Rule], ward_code: int | None, province_code: int | None, topic: str
) -> Route | None:
    """The most specific rule: (ward, topic), (ward, *), (province, topic), (province, *), (*, topic), (*, *)."""
    table = {(rule.locality, rule.topic): rule.unit_id for rule in rules}
    for key in precedence(ward_code, province_code, topic):
        unit_id = table.get(key)
        if unit_id is not None:
            return Route(unit_id=unit_id, locality=key[0], topic=key[1])
    return None
