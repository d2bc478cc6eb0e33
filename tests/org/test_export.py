"""Writing the organisation file: the documented layout, and text that reads back the same."""

from __future__ import annotations

from bot.org.export import dump_org
from bot.org.parse import parse_org
from bot.org.spec import GroupSpec, OrgSpec, RouteSpec, UnitSpec


def test_the_example_is_written_back_as_it_was(example: str) -> None:
    assert dump_org(parse_org(example).spec) == example


def test_awkward_names_and_ids_survive_a_round_trip() -> None:
    spec = OrgSpec(
        admins=(),
        units=(
            UnitSpec("2024", 'Tổ "đặc biệt": #1 \\ ok', 40, None, None, ()),
            UnitSpec("yes", "line\nbreak\u2028and\ttab", 17357, "2024", -5, (1, 2)),
        ),
        routes=(RouteSpec("*", "*", "yes"), RouteSpec("17357", "land", "2024")),
        groups=(GroupSpec(-7, 17357, "Thôn: 'A' & B"), GroupSpec(-8, 17357, None)),
    )

    result = parse_org(dump_org(spec))

    assert result.problems == ()
    assert result.spec == spec


def test_empty_sections_are_written_as_empty_lists() -> None:
    assert dump_org(OrgSpec(admins=())) == "admins: []\nunits: []\nroutes: []\ngroups: []\n"
