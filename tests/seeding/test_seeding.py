"""``bot.seeding``: deterministic, realistic, consistent synthetic history, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.cli import main
from bot.org.loader import import_org
from bot.routing import choose_route
from bot.seeding import (
    CITIZEN_ID_BASE,
    SeedSummary,
    WorkClock,
    _Tally,
    generate,
    make_citizens,
    make_plan,
    seed,
)
from bot.tagging.topics import TopicClassifier
from bot.workflow.sla import SlaPolicy
from bot.workflow.worktime import WorkCalendar
from storage.database import Database
from storage.models import OPEN_STATUSES, Citizen, RoutingRule, Ticket
from storage.repositories.seeding import TICKET_COLUMNS

UNTIL = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
CALENDAR = WorkCalendar.load()
CLASSIFIER = TopicClassifier.load()

ORG = """
units:
  - {id: hue, name: "UBND Thành phố Huế", locality: 46}
  - {id: ward-a, name: "UBND phường A", locality: WARD, parent: hue}
routes:
  - {locality: 46, topic: "*", unit: hue}
  - {locality: WARD, topic: "*", unit: ward-a}
"""


def _plan_rows(tickets: int, seed_value: int, weeks: int = 8) -> tuple[list[tuple[object, ...]], _Tally]:
    rng = random.Random(seed_value)
    plan = make_plan(
        rng, [("p", 40, {}), ("w", 17357, {})], [("40", "*", "p"), ("17357", "*", "w")], CALENDAR, CLASSIFIER
    )
    end = int(UNTIL.timestamp())
    start = end - weeks * 7 * 86_400
    citizens = make_citizens(rng, plan, 300)
    tally = _Tally()
    rows = [
        row
        for batch in generate(
            plan, rng, CALENDAR, start, end, tickets, citizens, lambda s: s, tally, batch=1000
        )
        for row in batch
    ]
    return rows, tally


def test_generation_is_deterministic_for_a_seed() -> None:
    first, _ = _plan_rows(3000, 7)
    again, _ = _plan_rows(3000, 7)
    other, _ = _plan_rows(3000, 8)
    assert first == again
    assert first != other
    assert all(len(row) == len(TICKET_COLUMNS) for row in first)


def test_shape_is_realistic() -> None:
    rows, tally = _plan_rows(20_000, 3, weeks=26)
    column = {name: n for n, name in enumerate(TICKET_COLUMNS)}
    assert len(rows) == 20_000
    urgent = sum(1 for row in rows if row[column["urgent"]]) / len(rows)
    assert 0.02 <= urgent <= 0.04
    topics = Counter(row[column["topic"]] for row in rows)
    assert topics.most_common(1)[0][0] == "land"
    assert len(topics) >= 12
    local = [datetime.fromtimestamp(int(str(row[column["created_at"]])), CALENDAR.tz) for row in rows]
    weekday = sum(1 for moment in local if moment.weekday() < 5) / 5
    weekend = sum(1 for moment in local if moment.weekday() >= 5) / 2
    assert weekday > 1.8 * weekend
    office = sum(1 for moment in local if 8 <= moment.hour < 17) / 9
    night = sum(1 for moment in local if moment.hour < 6) / 6
    assert office > 10 * night
    created = [int(str(row[column["created_at"]])) for row in rows]
    assert created == sorted(created)  # ids follow creation time
    assert tally.statuses["closed"] > tally.statuses.get("forwarded", 0)
    ratings = Counter(row[column["rating"]] for row in rows if row[column["rating"]] is not None)
    assert ratings[5] > ratings[4] > ratings[2]
    verdicts = Counter(row[column["citizen_resolved"]] for row in rows)
    assert verdicts[True] > 4 * verdicts[False]


def test_flattened_clock_matches_the_calendar() -> None:
    rng = random.Random(5)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    work = WorkClock(CALENDAR, start.date() - timedelta(days=2), start.date() + timedelta(days=800))
    durations = [timedelta(hours=4), timedelta(hours=7), timedelta(hours=35), timedelta(hours=70)]
    for _ in range(400):
        moment = int(start.timestamp()) + rng.randrange(0, 700 * 86_400)
        if rng.random() < 0.2:  # exactly on an opening or a closing
            moment = rng.choice(work.starts[:900] + work.ends[:900])
        for duration in durations:
            expected = CALENDAR.add(datetime.fromtimestamp(moment, UTC), duration)
            got = work.instant(work.position(moment) + int(duration.total_seconds()))
            assert got == int(expected.timestamp()), (moment, duration)


async def _tickets(db: Database) -> list[Ticket]:
    async with db.session() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


def _check_invariants(tickets: list[Ticket], start: datetime, until: datetime) -> None:
    policy = SlaPolicy.from_taxonomy(CALENDAR, CLASSIFIER)
    open_statuses = {str(status) for status in OPEN_STATUSES}
    for ticket in tickets:
        assert start <= ticket.created_at < until
        assert ticket.last_message_at == ticket.created_at
        for moment in (ticket.forwarded_at, ticket.first_response_at, ticket.answered_at, ticket.closed_at):
            assert moment is None or ticket.created_at <= moment <= until
        if ticket.unit_id is None:
            assert ticket.status == "new" and ticket.answer_due is None
            continue
        assert ticket.first_response_due is not None and ticket.answer_due is not None
        assert ticket.first_response_due <= ticket.answer_due
        if ticket.answered_at is not None:
            assert ticket.first_response_at is not None
            assert ticket.first_response_at <= ticket.answered_at
        if ticket.resolved_at is not None:
            assert ticket.answered_at is not None and ticket.resolved_at >= ticket.answered_at
            assert ticket.resolved_at <= until
        if ticket.closed_at is not None and ticket.resolved_at is not None:
            assert ticket.closed_at >= ticket.resolved_at
        if ticket.status in open_statuses:
            assert ticket.resolved_at is None and ticket.closed_at is None
        if ticket.status == "answered":
            assert ticket.answered_at is not None
        if ticket.status in ("closed", "cancelled"):
            assert ticket.closed_at is not None
        if ticket.status == "resolved":
            assert ticket.resolved_at is not None and ticket.citizen_resolved is True
        if ticket.status != "cancelled":
            assert ticket.overdue == (ticket.answer_due < (ticket.answered_at or until))
        if ticket.rating is not None:
            assert 1 <= ticket.rating <= 5 and ticket.citizen_resolved is True
            assert ticket.rated_at is not None and ticket.resolved_at is not None
            assert ticket.resolved_at <= ticket.rated_at <= until
        if ticket.citizen_resolved is True:
            assert ticket.resolved_at is not None
        assert ticket.citizen_id > CITIZEN_ID_BASE
    for ticket in tickets[:: max(1, len(tickets) // 50)]:
        if ticket.unit_id is not None:
            due = policy.due(ticket.topic, ticket.urgent, None, ticket.created_at)
            assert (ticket.first_response_due, ticket.answer_due) == (due.first_response_due, due.answer_due)


@pytest.mark.parametrize("rebuild", [False, True])
async def test_seed_into_an_empty_database(db: Database, rebuild: bool) -> None:
    await db.upgrade()
    summary = await seed(db, tickets=1500, weeks=10, seed=11, until=UNTIL, rebuild_indexes=rebuild)
    assert isinstance(summary, SeedSummary)
    assert summary.tickets == 1500 and summary.units_created == 5
    tickets = await _tickets(db)
    assert len(tickets) == 1500
    start = UNTIL - timedelta(weeks=10)
    _check_invariants(tickets, start, UNTIL)
    statuses = Counter(ticket.status for ticket in tickets)
    assert statuses == Counter(summary.statuses)
    assert statuses["closed"] > 0 and statuses["answered"] + statuses["assigned"] + statuses["forwarded"] > 0
    assert sum(ticket.overdue for ticket in tickets) == summary.overdue > 0
    assert {ticket.province_code for ticket in tickets} == set(summary.provinces) == {40}
    # The same seed on top gives the same rows again (new ids), and no new citizens.
    again = await seed(db, tickets=1500, weeks=10, seed=11, until=UNTIL, rebuild_indexes=rebuild)
    assert again.citizens_added == 0 and again.units_created == 0
    both = await _tickets(db)
    first_half = [
        (t.created_at, t.ward_code, t.topic, t.status, t.answered_at, t.rating) for t in both[:1500]
    ]
    second_half = [
        (t.created_at, t.ward_code, t.topic, t.status, t.answered_at, t.rating) for t in both[1500:]
    ]
    assert first_half == second_half
    async with db.engine.connect() as connection:
        indexes = await connection.run_sync(lambda sync: inspect(sync).get_indexes("tickets"))
        keys = await connection.run_sync(lambda sync: inspect(sync).get_foreign_keys("tickets"))
    assert {"ix_tickets_unit_created", "ix_tickets_status", "ix_tickets_answer_due"} <= {
        i["name"] for i in indexes
    }
    assert {key["referred_table"] for key in keys} >= {"citizens", "units", "tickets"}
    async with db.session() as session:
        names = list(await session.scalars(select(Citizen.display_name).limit(3)))
    assert all(name.startswith("Công dân ") for name in names)


async def test_seed_uses_the_existing_organisation(db: Database) -> None:
    await db.upgrade()
    await import_org(db, ORG.replace("WARD", str(_a_ward_of(46))))
    summary = await seed(db, tickets=800, weeks=4, seed=2, until=UNTIL)
    assert summary.units_created == 0 and summary.provinces == (46,)
    tickets = await _tickets(db)
    assert {ticket.province_code for ticket in tickets} == {46}
    async with db.session() as session:
        rules = list(await session.scalars(select(RoutingRule)))
    for ticket in tickets:
        route = choose_route(rules, ticket.ward_code, ticket.province_code, ticket.topic)
        assert route is not None and ticket.unit_id == route.unit_id
    assert {ticket.unit_id for ticket in tickets} == {"hue", "ward-a"}
    _check_invariants(tickets, UNTIL - timedelta(weeks=4), UNTIL)


def _a_ward_of(province: int) -> int:
    from vietnam_provinces._lookup import WARD_MAPPING

    return min(int(code) for code, ward in WARD_MAPPING.items() if int(ward.province_code) == province)


def test_cli_seeds_and_prints_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    code = main(["demo", "seed", "--tickets", "300", "--weeks", "3", "--seed", "4", "--until", "2026-10-01"])
    out = capsys.readouterr()
    assert code == 0
    assert "300 tickets from 2026-09-10" in out.out and "took" in out.out
    assert "300 / 300 tickets" in out.err
