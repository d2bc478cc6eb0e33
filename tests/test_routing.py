from dataclasses import dataclass

import pytest

from bot.routing import choose_route


@dataclass
class R:
    locality: str
    topic: str
    unit_id: str


RULES = [
    R("17357", "water", "ward-water"),
    R("17357", "*", "ward"),
    R("40", "health", "province-health"),
    R("40", "*", "province"),
    R("*", "security", "police"),
    R("*", "*", "hotline"),
]


@pytest.mark.parametrize(
    ("ward", "province", "topic", "unit"),
    [
        (17357, 40, "water", "ward-water"),
        (17357, 40, "transport", "ward"),
        (17032, 40, "health", "province-health"),
        (17032, 40, "land", "province"),
        (26734, 79, "security", "police"),
        (26734, 79, "land", "hotline"),
        (None, None, "land", "hotline"),
        (17357, 40, "security", "ward"),
    ],
)
def test_most_specific_rule_wins(ward: int | None, province: int | None, topic: str, unit: str) -> None:
    route = choose_route(RULES, ward, province, topic)
    assert route is not None and route.unit_id == unit


def test_no_rule_means_unrouted() -> None:
    assert choose_route([R("17357", "*", "ward")], 17032, 40, "land") is None
