"""A unit's own deadlines (``sla``) and admins (``admins``) in the organisation file."""

from __future__ import annotations

import textwrap

from sqlalchemy import select

from bot.org.export import dump_org
from bot.org.loader import export_org, import_org
from bot.org.parse import parse_org
from storage.database import Database
from storage.models import Unit, UnitAdmin

FILE = """\
units:
  - id: nghe-an
    name: UBND tỉnh Nghệ An
    locality: 40
    admins: [9002, 9001]
  - id: vinh-tuong
    name: UBND xã Vĩnh Tường
    locality: 17357
    parent: nghe-an
    sla: {transport: 3D, "*": 1d4h}
"""


def problems(text: str) -> list[str]:
    return [problem.render("org.yaml") for problem in parse_org(textwrap.dedent(text)).problems]


def test_sla_and_admins_are_read_and_normalised() -> None:
    result = parse_org(FILE)

    assert result.ok
    province, commune = result.spec.units
    assert province.admins == (9001, 9002) and province.sla is None
    assert commune.sla == (("*", "1d4h"), ("transport", "3d")) and commune.admins is None


def test_bad_sla_values_are_reported_at_their_line() -> None:
    assert problems("""\
        units:
          - id: a
            name: A
            locality: 40
            sla:
              transprt: 3d
              land: soon
              water: [1]
              "*": 0d
          - id: b
            name: B
            locality: 40
            sla: 5d
            admins: [1, x]
        """) == [
        'org.yaml:6: unit "a": sla.transprt: unknown topic (known: admin_procedure, agriculture, compensation, '
        "construction, education, electricity, environment, health, land, officials, other, reorganization, "
        "security, social_welfare, transport, water, or *)",
        "org.yaml:7: unit \"a\": sla.land: bad working duration 'soon': write days, hours and minutes like "
        "5d, 4h, 90m or 1d4h",
        'org.yaml:8: unit "a": sla.water: expected a duration like 3d, 4h or 1d4h',
        "org.yaml:9: unit \"a\": sla.*: bad working duration '0d': it must be longer than zero",
        'org.yaml:13: unit "b": sla: expected a mapping of topic (or "*") to a duration like 3d',
        'org.yaml:14: unit "b": admins: expected an integer, not "x"',
    ]


def test_a_topic_given_twice_is_reported() -> None:
    assert problems("""\
        units:
          - id: a
            name: A
            locality: 40
            sla: {land: 3d, land: 4d}
        """) == ['org.yaml:5: unit "a": sla: topic "land" is given twice']


def test_the_round_trip_keeps_sla_and_admins() -> None:
    spec = parse_org(FILE).spec

    assert parse_org(dump_org(spec)).spec == spec
    assert '    sla: {"*": 1d4h, transport: 3d}\n' in dump_org(spec)


async def test_import_stores_them_export_writes_them_and_a_second_import_changes_nothing(
    db: Database,
) -> None:
    summary = await import_org(db, FILE)
    assert (summary.unit_admins_added, summary.units_created) == (2, 2)
    async with db.session() as session:
        commune = await session.get(Unit, "vinh-tuong")
        assert commune is not None and commune.sla == {"*": "1d4h", "transport": "3d"}
        admins = set(await session.execute(select(UnitAdmin.unit_id, UnitAdmin.user_id)))
        assert admins == {("nghe-an", 9001), ("nghe-an", 9002)}

    exported = await export_org(db)
    written = {unit.id: (unit.sla, unit.admins) for unit in parse_org(exported).spec.units}
    assert written == {unit.id: (unit.sla, unit.admins) for unit in parse_org(FILE).spec.units}
    assert "    admins: [9001, 9002]\n" in exported and '    sla: {"*": 1d4h, transport: 3d}\n' in exported

    again = await import_org(db, exported)
    assert not again.changed


async def test_changing_them_updates_the_unit_and_leaving_them_out_keeps_them(db: Database) -> None:
    await import_org(db, FILE)
    changed = FILE.replace('sla: {transport: 3D, "*": 1d4h}', "sla: {land: 2d}").replace(
        "admins: [9002, 9001]", "admins: [9003]"
    )

    summary = await import_org(db, changed)
    assert (summary.units_updated, summary.unit_admins_added, summary.unit_admins_removed) == (1, 1, 2)
    kept = await import_org(
        db, changed.replace("    sla: {land: 2d}\n", "").replace("    admins: [9003]\n", "")
    )
    assert not kept.changed

    async with db.session() as session:
        commune = await session.get(Unit, "vinh-tuong")
        assert commune is not None and commune.sla == {"land": "2d"}
        assert set(await session.scalars(select(UnitAdmin.user_id))) == {9003}
