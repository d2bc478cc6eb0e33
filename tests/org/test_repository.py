"""The organisation in the database: import, export, permissions and invite codes, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.org.export import dump_org
from bot.org.parse import parse_org
from bot.org.spec import ImportSummary
from storage.database import Database
from storage.repositories.org import OrgError, OrgRepository
from tests.org.conftest import org_state

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


async def import_text(db: Database, text: str) -> ImportSummary:
    async with db.transaction() as session:
        repository = OrgRepository(session)
        result = parse_org(text, await repository.known())
        assert result.problems == ()
        return await repository.apply(result.spec)


async def export_text(db: Database) -> str:
    async with db.session() as session:
        return dump_org(await OrgRepository(session).export())


async def test_the_example_imports(db: Database, example: str) -> None:
    summary = await import_text(db, example)

    assert (
        summary.units_created,
        summary.officials_added,
        summary.routes_created,
        summary.groups_created,
    ) == (
        3,
        3,
        3,
        1,
    )
    async with db.session() as session:
        repository = OrgRepository(session)
        water = await repository.unit("vinh-tuong-water")
        assert water is not None and water.parent_id == "vinh-tuong" and water.locality_code == 17357
        assert [unit.id for unit in await repository.ancestors("vinh-tuong-water")] == [
            "vinh-tuong-water",
            "vinh-tuong",
            "nghe-an",
        ]
        staff = await repository.unit_by_staff_chat(-1000000000111)
        assert staff is not None and staff.id == "vinh-tuong"
        assert await repository.official_unit_ids(7002) == {"vinh-tuong-water"}
        assert await repository.is_admin(9001)
        assert [(r.locality, r.topic, r.unit_id) for r in await repository.rules()] == [
            ("17357", "water", "vinh-tuong-water"),
            ("17357", "*", "vinh-tuong"),
            ("40", "*", "nghe-an"),
        ]
        group = await repository.group(-1000000000222)
        assert group is not None and (group.ward_code, group.title) == (17357, "Thôn 2 Hội Sơn")


async def test_importing_twice_changes_nothing(db: Database, example: str) -> None:
    await import_text(db, example)
    before = await org_state(db)

    summary = await import_text(db, example)

    assert not summary.changed
    assert summary.units_unchanged == 3
    assert await org_state(db) == before


async def test_export_writes_the_documented_format_and_reimports_unchanged(
    db: Database, example: str
) -> None:
    await import_text(db, example)
    before = await org_state(db)

    exported = await export_text(db)
    summary = await import_text(db, exported)

    assert exported == example
    assert not summary.changed
    assert await org_state(db) == before


async def test_export_puts_parents_first_whatever_the_ids(db: Database) -> None:
    await import_text(
        db,
        "units:\n"
        "  - {id: a-leaf, name: Leaf, locality: 17357, parent: z-root}\n"
        "  - {id: z-root, name: Root, locality: 40}\n"
        "  - {id: b-other, name: Other, locality: 40}\n",
    )

    exported = parse_org(await export_text(db)).spec

    assert [unit.id for unit in exported.units] == ["b-other", "z-root", "a-leaf"]


async def test_import_updates_what_the_file_lists_and_leaves_the_rest(db: Database, example: str) -> None:
    await import_text(db, example)
    await import_text(
        db,
        "admins: [9002]\n"
        "units:\n"
        "  - {id: vinh-tuong, name: Renamed, locality: 17357, parent: nghe-an, staff_chat: -1000000000333,"
        " officials: [7001, 7005]}\n"
        "  - {id: vinh-tuong-water, name: Water, locality: 17357, parent: vinh-tuong, staff_chat: -1000000000111}\n"
        "routes:\n"
        "  - {locality: 17357, topic: water, unit: vinh-tuong}\n",
    )

    async with db.session() as session:
        repository = OrgRepository(session)
        renamed = await repository.unit("vinh-tuong")
        assert renamed is not None and (renamed.name, renamed.staff_chat_id) == ("Renamed", -1000000000333)
        assert await repository.officials("vinh-tuong") == {7001, 7005}
        assert await repository.officials("vinh-tuong-water") == {7002}
        assert await repository.officials("nghe-an") == {7004}
        assert await repository.admin_ids() == {9002}
        assert {(r.locality, r.topic): r.unit_id for r in await repository.rules()} == {
            ("17357", "water"): "vinh-tuong",
            ("17357", "*"): "vinh-tuong",
            ("40", "*"): "nghe-an",
        }
        assert await repository.group(-1000000000222) is not None


async def test_validation_sees_database_units(db: Database, example: str) -> None:
    await import_text(db, example)
    async with db.session() as session:
        known = await OrgRepository(session).known()

    cycle = parse_org("units:\n  - {id: nghe-an, name: N, locality: 40, parent: vinh-tuong-water}\n", known)
    taken = parse_org("units:\n  - {id: new, name: N, locality: 40, staff_chat: -1000000000111}\n", known)
    extending = parse_org("routes:\n  - {locality: 40, topic: land, unit: vinh-tuong}\n", known)

    assert [p.message for p in cycle.problems] == [
        'unit "nghe-an": parents form a cycle: nghe-an → vinh-tuong-water → vinh-tuong → nghe-an'
    ]
    assert [p.message for p in taken.problems] == [
        'unit "new": staff chat -1000000000111 is already the staff chat of unit "vinh-tuong" (in the database)'
    ]
    assert extending.ok


@pytest.mark.parametrize(
    ("user_id", "unit_id", "allowed"),
    [
        (7001, "vinh-tuong", True),  # official of the unit
        (7004, "vinh-tuong-water", True),  # official of an ancestor
        (7002, "vinh-tuong", False),  # official of a child unit
        (7002, "vinh-tuong-other", False),  # official of a sibling
        (9001, "vinh-tuong-water", True),  # stored admin
        (9999, "vinh-tuong", True),  # admin from ADMIN_IDS
        (1234, "vinh-tuong", False),  # stranger
        (7001, "no-such-unit", False),
    ],
)
async def test_who_can_act_on_a_unit(
    db: Database, example: str, user_id: int, unit_id: str, allowed: bool
) -> None:
    await import_text(db, example)
    await import_text(
        db, "units:\n  - {id: vinh-tuong-other, name: O, locality: 17357, parent: vinh-tuong}\n"
    )

    async with db.session() as session:
        assert await OrgRepository(session).can_act_on(user_id, unit_id, frozenset({9999})) is allowed


async def test_an_invite_binds_one_person_once(db: Database, example: str) -> None:
    await import_text(db, example)
    async with db.transaction() as session:
        code = await OrgRepository(session).create_invite(
            "vinh-tuong", created_by=9001, ttl=timedelta(days=1), now=NOW
        )

    async with db.transaction() as session:
        unit = await OrgRepository(session).redeem_invite(code.lower(), 7777, now=NOW + timedelta(hours=1))
    async with db.transaction() as session:
        again = await OrgRepository(session).redeem_invite(code, 8888, now=NOW + timedelta(hours=2))

    assert len(code) == 8 and code.isalnum()
    assert unit is not None and unit.id == "vinh-tuong"
    assert again is None
    async with db.session() as session:
        repository = OrgRepository(session)
        assert await repository.official_unit_ids(7777) == {"vinh-tuong"}
        assert await repository.official_unit_ids(8888) == set()


async def test_an_invite_expires(db: Database, example: str) -> None:
    await import_text(db, example)
    async with db.transaction() as session:
        repository = OrgRepository(session)
        code = await repository.create_invite("vinh-tuong", created_by=9001, ttl=timedelta(hours=1), now=NOW)
        other = await repository.create_invite("vinh-tuong", created_by=9001, ttl=timedelta(hours=1), now=NOW)

    async with db.transaction() as session:
        repository = OrgRepository(session)
        assert await repository.redeem_invite(code, 7777, now=NOW + timedelta(hours=1)) is None
        assert await repository.redeem_invite("NOSUCHCD", 7777, now=NOW) is None
        assert await repository.official_unit_ids(7777) == set()
    assert code != other


async def test_bot_side_changes(db: Database, example: str) -> None:
    await import_text(db, example)
    async with db.transaction() as session:
        repository = OrgRepository(session)
        await repository.upsert_unit("hoi-son", "Thôn Hội Sơn", 17357, "vinh-tuong")
        await repository.set_staff_chat("hoi-son", -1000000000111)
        assert await repository.add_official(7010, "hoi-son")
        assert not await repository.add_official(7010, "hoi-son")
        await repository.upsert_rule("17357", "land", "hoi-son")
        await repository.bind_group(-42, 17357, "Chợ")
        with pytest.raises(OrgError):
            await repository.upsert_unit("vinh-tuong", "V", 17357, "hoi-son")
        with pytest.raises(OrgError):
            await repository.upsert_unit("x", "X", 40, "ghost")

    async with db.session() as session:
        repository = OrgRepository(session)
        moved = await repository.unit_by_staff_chat(-1000000000111)
        old = await repository.unit("vinh-tuong")
        assert moved is not None and moved.id == "hoi-son"
        assert old is not None and old.staff_chat_id is None
        assert await repository.can_act_on(7001, "hoi-son", frozenset())
        assert ("17357", "land", "hoi-son") in [
            (r.locality, r.topic, r.unit_id) for r in await repository.rules()
        ]
        group = await repository.group(-42)
        assert group is not None and group.title == "Chợ"


async def test_keys_left_out_keep_what_the_bot_set(db: Database, example: str) -> None:
    await import_text(db, example)
    async with db.transaction() as session:
        repository = OrgRepository(session)
        await repository.add_official(7777, "vinh-tuong")
        await repository.bind_group(-1000000000222, 17357, "Renamed in Telegram")

    summary = await import_text(
        db,
        "units:\n"
        "  - {id: vinh-tuong, name: UBND xã Vĩnh Tường, locality: 17357, parent: nghe-an}\n"
        "groups:\n"
        "  - {chat: -1000000000222, locality: 17357}\n",
    )

    assert not summary.changed
    async with db.session() as session:
        repository = OrgRepository(session)
        unit = await repository.unit("vinh-tuong")
        group = await repository.group(-1000000000222)
        assert unit is not None and unit.staff_chat_id == -1000000000111
        assert await repository.officials("vinh-tuong") == {7001, 7777}
        assert await repository.admin_ids() == {9001}
        assert group is not None and group.title == "Renamed in Telegram"
