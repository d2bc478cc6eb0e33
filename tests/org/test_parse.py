"""Validation of organisation files: every problem, at its line, all at once."""

from __future__ import annotations

from textwrap import dedent

from bot.org.parse import parse_org
from bot.org.spec import KnownOrg, OrgSpec, RouteSpec, UnitSpec


def problems(text: str, known: KnownOrg | None = None) -> list[str]:
    return [problem.render("org.yaml") for problem in parse_org(dedent(text), known).problems]


def test_the_documented_example_is_valid(example: str) -> None:
    result = parse_org(example)

    assert result.ok
    assert [unit.id for unit in result.spec.units] == ["nghe-an", "vinh-tuong", "vinh-tuong-water"]
    assert result.spec.units[1] == UnitSpec(
        "vinh-tuong", "UBND xã Vĩnh Tường", 17357, "nghe-an", -1000000000111, (7001,)
    )
    assert result.spec.routes[1] == RouteSpec("17357", "*", "vinh-tuong")
    assert result.spec.admins == (9001,)


def test_locality_may_be_written_as_text() -> None:
    result = parse_org(
        'units:\n  - {id: a, name: A, locality: "17357"}\nroutes:\n  - {locality: "40", topic: land, unit: a}\n'
    )

    assert result.ok
    assert result.spec.units[0].locality == 17357
    assert result.spec.routes[0].locality == "40"


def test_optional_sections_and_keys_may_be_left_out() -> None:
    result = parse_org("units:\n  - {id: a, name: A, locality: 40}\n")

    assert result.ok
    assert result.spec == OrgSpec(admins=None, units=(UnitSpec("a", "A", 40),))


def test_yaml_syntax_error_is_reported_at_its_line() -> None:
    assert problems("""\
        units:
          - id: a
            name: "unterminated
        """) == ["org.yaml:4: invalid YAML: found unexpected end of stream"]


def test_unknown_keys_are_reported() -> None:
    assert problems("""\
        unit:
          - id: a
        units:
          - id: a
            nmae: A
            name: A
            locality: 40
        """) == [
        'org.yaml:1: file: unknown key "unit" (expected one of: admins, units, routes, groups)',
        'org.yaml:5: unit "a": unknown key "nmae" (expected one of: id, name, locality, parent, staff_chat, '
        "officials, sla, admins)",
    ]


def test_missing_required_keys_are_reported() -> None:
    assert problems("""\
        units:
          - id: a
            locality: 40
          - name: Nameless
            locality: 40
        routes:
          - {locality: 40, unit: a}
        groups:
          - {chat: -100}
        """) == [
        'org.yaml:2: unit "a": "name" is missing',
        'org.yaml:4: unit #2: "id" is missing',
        'org.yaml:7: route #1: "topic" is missing',
        'org.yaml:9: group #1: "locality" is missing',
    ]


def test_wrong_types_are_reported() -> None:
    assert problems("""\
        admins: 9001
        units:
          - id: a
            name: [A]
            locality: forty
            staff_chat: "-100"
            officials: [7001, x]
        """) == [
        "org.yaml:1: admins: expected a list",
        'org.yaml:4: unit "a": name: expected text, not a list',
        'org.yaml:5: unit "a": locality: expected a locality code, not "forty"',
        'org.yaml:6: unit "a": staff_chat: expected an integer, not "-100"',
        'org.yaml:7: unit "a": officials: expected an integer, not "x"',
    ]


def test_bad_slugs_are_reported() -> None:
    assert problems("""\
        units:
          - {id: Nghe An, name: A, locality: 40}
          - {id: b, name: B, locality: 40, parent: "a--b"}
        """) == [
        'org.yaml:2: unit "Nghe An": id: "Nghe An" is not a valid unit id (lower-case letters, digits and '
        "single hyphens, at most 64 characters)",
        'org.yaml:3: unit "b": parent: "a--b" is not a valid unit id (lower-case letters, digits and single '
        "hyphens, at most 64 characters)",
    ]


def test_unknown_locality_codes_are_reported() -> None:
    assert problems("""\
        units:
          - {id: a, name: A, locality: 99}
          - {id: b, name: B, locality: "99999"}
        routes:
          - {locality: 12345678, topic: land, unit: b}
        groups:
          - {chat: -100, locality: 40}
          - {chat: -200, locality: 99999}
        """) == [
        'org.yaml:2: unit "a": locality: 99 is not a current province or ward code',
        'org.yaml:3: unit "b": locality: 99999 is not a current province or ward code',
        "org.yaml:5: route #1: locality: 12345678 is not a current province or ward code",
        "org.yaml:7: group -100: locality 40 is a province code; a group needs a ward",
        "org.yaml:8: group -200: locality 99999 is not a current ward code; a group needs a ward",
    ]


def test_undefined_units_are_reported_but_database_units_count() -> None:
    text = """\
        units:
          - id: x
            name: X
            locality: 40
            parent: y
        routes:
          - {locality: 40, topic: land, unit: ghost}
          - {locality: 40, topic: water, unit: from-db}
        """

    assert problems(text, KnownOrg(parents={"from-db": None})) == [
        'org.yaml:5: unit "x": parent "y" is not defined',
        'org.yaml:7: route #1: unit "ghost" is not defined',
    ]


def test_an_invalid_unit_does_not_make_its_references_fail() -> None:
    assert problems("""\
        units:
          - {id: a, name: A, locality: 99}
        routes:
          - {locality: 40, topic: land, unit: a}
        """) == ['org.yaml:2: unit "a": locality: 99 is not a current province or ward code']


def test_unknown_topics_are_reported() -> None:
    found = problems("""\
        units:
          - {id: a, name: A, locality: 40}
        routes:
          - {locality: 40, topic: watr, unit: a}
          - {locality: "*", topic: "*", unit: a}
        """)

    assert len(found) == 1
    assert found[0].startswith('org.yaml:4: route #1: unknown topic "watr" (known: ')
    assert "water" in found[0]


def test_duplicates_are_reported_with_the_first_line() -> None:
    assert problems("""\
        units:
          - {id: a, name: A, locality: 40, staff_chat: -1}
          - {id: a, name: A again, locality: 40}
          - {id: b, name: B, locality: 40, staff_chat: -1}
        routes:
          - {locality: 40, topic: land, unit: a}
          - {locality: "40", topic: land, unit: b}
        groups:
          - {chat: -5, locality: 17357}
          - {chat: -5, locality: 17357}
          - {chat: -1, locality: 17357}
        """) == [
        'org.yaml:3: unit "a": defined twice (first at line 2)',
        'org.yaml:4: unit "b": staff chat -1 is already the staff chat of unit "a" (line 2)',
        'org.yaml:7: route #2: locality 40, topic "land" is routed twice (first at line 6)',
        "org.yaml:10: group -5: defined twice (first at line 9)",
        'org.yaml:11: group -1: this chat is the staff chat of unit "a"',
    ]


def test_staff_chats_of_database_units_count_unless_the_file_moves_them() -> None:
    known = KnownOrg(
        parents={"old": None, "moved": None},
        staff_chats={-1: "old", -2: "moved"},
        group_chats=frozenset({-9}),
    )

    assert problems(
        """\
        units:
          - {id: a, name: A, locality: 40, staff_chat: -1}
          - {id: moved, name: M, locality: 40, staff_chat: -3}
          - {id: b, name: B, locality: 40, staff_chat: -2}
          - {id: c, name: C, locality: 40, staff_chat: -9}
        groups:
          - {chat: -1, locality: 17357}
        """,
        known,
    ) == [
        'org.yaml:2: unit "a": staff chat -1 is already the staff chat of unit "old" (in the database)',
        'org.yaml:5: unit "c": staff chat -9 is a community group (in the database)',
        'org.yaml:7: group -1: this chat is the staff chat of unit "old"',
    ]


def test_cycles_are_reported_once() -> None:
    assert problems("""\
        units:
          - {id: a, name: A, locality: 40, parent: c}
          - {id: b, name: B, locality: 40, parent: a}
          - {id: c, name: C, locality: 40, parent: b}
          - {id: d, name: D, locality: 40, parent: d}
          - {id: e, name: E, locality: 40, parent: a}
        """) == [
        'org.yaml:2: unit "a": parents form a cycle: a → c → b → a',
        'org.yaml:5: unit "d": parents form a cycle: d → d',
    ]


def test_cycles_through_database_units_are_reported() -> None:
    known = KnownOrg(parents={"root": None, "mid": "root", "leaf": "mid"})

    assert problems("units:\n  - {id: root, name: R, locality: 40, parent: leaf}\n", known) == [
        'org.yaml:2: unit "root": parents form a cycle: root → leaf → mid → root'
    ]


def test_reparenting_a_database_unit_out_of_a_chain_is_fine() -> None:
    known = KnownOrg(parents={"root": None, "mid": "root", "leaf": "mid"})

    assert (
        problems(
            "units:\n  - {id: mid, name: M, locality: 40, parent: leaf-2}\n  - {id: leaf-2, name: L, locality: 40}\n",
            known,
        )
        == []
    )


def test_every_problem_is_reported_at_once() -> None:
    found = problems("""\
        admins: [9001]
        units:
          - {id: a, name: A, locality: 99}
          - {id: b, name: B, locality: 40, parent: nobody}
        routes:
          - {locality: 40, topic: nope, unit: b}
        groups:
          - {chat: -1, locality: 40, colour: red}
        """)

    assert [line.split(":")[1] for line in found] == ["3", "4", "6", "8", "8"]


def test_an_empty_file_is_a_problem() -> None:
    assert problems("# nothing\n") == [
        "org.yaml:1: the file is empty; expected a mapping with keys admins, units, routes, groups"
    ]


def test_a_key_given_twice_is_reported() -> None:
    assert problems("units:\n  - id: a\n    name: A\n    name: B\n    locality: 40\n") == [
        'org.yaml:4: unit "a": key "name" is given twice'
    ]


def test_an_invalid_unit_still_has_its_parent_checked() -> None:
    assert problems("units:\n  - {id: a, name: A, locality: 99, parent: nobody}\n") == [
        'org.yaml:2: unit "a": locality: 99 is not a current province or ward code',
        'org.yaml:2: unit "a": parent "nobody" is not defined',
    ]


def test_duplicates_on_one_line_are_found() -> None:
    assert problems(
        "units: [{id: a, name: A, locality: 40}]\n"
        "routes: [{locality: 40, topic: land, unit: a}, {locality: 40, topic: land, unit: a}]\n"
        "groups: [{chat: -5, locality: 17357}, {chat: -5, locality: 17357}]\n"
    ) == [
        'org.yaml:2: route #2: locality 40, topic "land" is routed twice (first at line 2)',
        "org.yaml:3: group -5: defined twice (first at line 3)",
    ]
