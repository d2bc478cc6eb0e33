"""Every figure of the digest on the hand-built history (``tests/digest/history.py``), on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.digest.period import parse_period
from bot.digest.scope import Scope
from bot.digest.service import DigestService, UnknownUnit
from bot.workflow.worktime import WorkCalendar
from storage.database import Database
from tests.digest.history import CITIZEN_NAME, CITIZEN_USERNAME, VN, build_history

NOW = datetime(2026, 12, 10, tzinfo=UTC)
W48 = parse_period("2026-W48", VN)


@pytest.fixture
async def service(db: Database) -> DigestService:
    await build_history(db)
    return DigestService(db, WorkCalendar.load())


def ticket(
    number: int, created: str, age: float, status: str, topic: str, unit: str | None, ward: int | None
) -> dict[str, Any]:
    return {
        "id": number,
        "created_at": created,
        "age_hours": age,
        "status": status,
        "topic": topic,
        "unit_id": unit,
        "ward_code": ward,
    }


T1 = ticket(1, "2026-11-22T16:59:59+00:00", 168.0, "answered", "electricity", "xa-a", 100)
T2 = ticket(2, "2026-11-22T17:00:00+00:00", 168.0, "resolved", "electricity", "xa-a", 100)
T3 = ticket(3, "2026-11-20T03:00:00+00:00", 230.0, "forwarded", "transport", "xa-a-ca", 100)
T5 = ticket(5, "2026-11-28T13:00:00+00:00", 28.0, "new", "environment", "xa-a", None)
T9 = ticket(9, "2026-11-09T02:00:00+00:00", 495.0, "resolved", "transport", "xa-a", 100)
T10 = ticket(10, "2026-11-29T16:59:59+00:00", 0.0, "new", "water", "xa-b", 200)
T13 = ticket(13, "2026-11-26T03:00:00+00:00", 86.0, "new", "other", None, None)
PERIOD = {"from": "2026-11-23", "to": "2026-11-29", "week": "2026-W48", "as_of": "2026-11-29T17:00:00+00:00"}
UNIT_A = {
    "id": "xa-a",
    "name": "UBND Xã A <b>",
    "received": 4,
    "answered": 3,
    "due": 2,
    "on_time": 1,
    "on_time_rate": 0.5,
}
UNIT_CA = {
    "id": "xa-a-ca",
    "name": "Công an Xã A",
    "received": 0,
    "answered": 0,
    "due": 1,
    "on_time": 0,
    "on_time_rate": 0.0,
}
UNIT_B = {
    "id": "xa-b",
    "name": "UBND Xã B",
    "received": 2,
    "answered": 1,
    "due": 1,
    "on_time": 1,
    "on_time_rate": 1.0,
}


async def test_global_admin_sees_every_figure(service: DigestService) -> None:
    scope = await service.scope_of_reader(1)
    assert scope == Scope.everything()
    figures = await service.build(scope, W48, now=NOW)
    assert figures.to_json() == {
        "period": PERIOD,
        "scope": "all",
        "scope_units": None,
        # #2 #4 #5 #8 #10 #12 #13 (not #1: Sunday 23:59:59 of W47; not #11: Monday 00:00 of W49; not merged #7)
        "received": 7,
        "answered": 4,  # #1 #2 #4 #12
        "resolved": 3,  # #2 #4 #12 (#9 is resolved on 30/11)
        "open": 6,  # #1 #3 #5 #9 #10 #13
        "overdue": 2,  # #3 #9
        "previous": {"received": 3, "answered": 1, "resolved": 1, "open": 3, "overdue": 1},
        "changes": {"received": 4, "answered": 3, "resolved": 2, "open": 3, "overdue": 1},
        "due": 4,  # #1 (on time) #2 (late) #3 (unanswered) #12 (on time); not cancelled #8, not #4 (due 30/11)
        "on_time": 2,
        "on_time_rate": 0.5,
        "median_first_response_hours": 0.75,  # 0.5 (#1), 0.5 (#12), 1 (#4), 3 (#2)
        "first_response_count": 4,
        "median_resolution_hours": 14.0,  # 13 (#2), 14 (#4), 17 (#12)
        "resolution_count": 3,
        "rating_avg": 3.67,  # (2 + 5 + 4) / 3
        "rating_count": 3,
        "verdict_count": 3,
        "not_resolved_share": 0.3333,
        "by_topic": {"other": 2, "water": 2, "electricity": 1, "environment": 1, "transport": 1},
        "by_ward": {"100": 3, "200": 2},
        "no_ward": 2,
        "units": [UNIT_B, UNIT_A, UNIT_CA],
        "urgent_count": 1,
        "urgent": [T2 | {"age_hours": 168.0}],
        "oldest_open": [T9, T3, T1, T13, T5, T10],
    }
    assert figures.by_topic == (
        ("other", 2),
        ("water", 2),
        ("electricity", 1),
        ("environment", 1),
        ("transport", 1),
    )
    assert figures.received == 7 and figures.on_time_rate == 0.5 and figures.rating_avg == 3.67


async def test_commune_admin_sees_the_commune_and_below_only(service: DigestService) -> None:
    scope = await service.scope_of_reader(2)
    assert scope == Scope(frozenset({"xa-a", "xa-a-ca"}))
    figures = await service.build(scope, W48, now=NOW, scope_unit_id="xa-a")
    assert figures.to_json() == {
        "period": PERIOD,
        "scope": "xa-a",
        "scope_units": ["xa-a", "xa-a-ca"],
        "received": 4,  # #2 #4 #5 #8
        "answered": 3,  # #1 #2 #4
        "resolved": 2,  # #2 #4
        "open": 4,  # #1 #3 #5 #9
        "overdue": 2,  # #3 #9
        "previous": {"received": 3, "answered": 1, "resolved": 1, "open": 3, "overdue": 1},
        "changes": {"received": 1, "answered": 2, "resolved": 1, "open": 1, "overdue": 1},
        "due": 3,
        "on_time": 1,
        "on_time_rate": 0.3333,
        "median_first_response_hours": 1.0,  # 0.5, 1, 3
        "first_response_count": 3,
        "median_resolution_hours": 13.5,  # 13, 14
        "resolution_count": 2,
        "rating_avg": 3.5,
        "rating_count": 2,
        "verdict_count": 2,
        "not_resolved_share": 0.5,
        "by_topic": {"electricity": 1, "environment": 1, "other": 1, "transport": 1},
        "by_ward": {"100": 3},
        "no_ward": 1,
        "units": [UNIT_A, UNIT_CA],
        "urgent_count": 1,
        "urgent": [T2],
        "oldest_open": [T9, T3, T1, T5],
    }


async def test_other_commune_admin_never_sees_commune_a(service: DigestService) -> None:
    scope = await service.scope_of_reader(3)
    assert scope == Scope(frozenset({"xa-b"}))
    figures = await service.build(scope, W48, now=NOW, scope_unit_id="xa-b")
    data = figures.to_json()
    assert data == {
        "period": PERIOD,
        "scope": "xa-b",
        "scope_units": ["xa-b"],
        "received": 2,
        "answered": 1,
        "resolved": 1,
        "open": 1,
        "overdue": 0,
        "previous": {"received": 0, "answered": 0, "resolved": 0, "open": 0, "overdue": 0},
        "changes": {"received": 2, "answered": 1, "resolved": 1, "open": 1, "overdue": 0},
        "due": 1,
        "on_time": 1,
        "on_time_rate": 1.0,
        "median_first_response_hours": 0.5,
        "first_response_count": 1,
        "median_resolution_hours": 17.0,
        "resolution_count": 1,
        "rating_avg": 4.0,
        "rating_count": 1,
        "verdict_count": 1,
        "not_resolved_share": 0.0,
        "by_topic": {"water": 2},
        "by_ward": {"200": 2},
        "no_ward": 0,
        "units": [UNIT_B],
        "urgent_count": 0,
        "urgent": [],
        "oldest_open": [T10],
    }
    dumped = json.dumps(data, ensure_ascii=False)
    assert "xa-a" not in dumped and "100" not in dumped and "Xã A" not in dumped


async def test_a_reader_without_units_sees_nothing(service: DigestService) -> None:
    scope = await service.scope_of_reader(4)
    assert scope.is_empty and not scope.is_global
    figures = await service.build(scope, W48, now=NOW)
    data = figures.to_json()
    assert (data["received"], data["answered"], data["resolved"], data["open"], data["overdue"]) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert data["on_time_rate"] is None and data["median_first_response_hours"] is None
    assert data["rating_avg"] is None and data["not_resolved_share"] is None
    assert data["units"] == [] and data["by_topic"] == {} and data["oldest_open"] == []
    assert data["scope"] == "units" and data["scope_units"] == []


async def test_extra_admin_ids_are_global(service: DigestService) -> None:
    assert (await service.scope_of_reader(4, frozenset({4}))).is_global


async def test_province_scope_includes_all_units_below_but_not_unrouted(service: DigestService) -> None:
    scope = await service.scope_of_unit("tinh")
    assert scope == Scope(frozenset({"tinh", "xa-a", "xa-a-ca", "xa-b"}))
    figures = await service.build(scope, W48, now=NOW, scope_unit_id="tinh")
    assert (figures.received, figures.open, figures.no_ward) == (6, 5, 1)  # all but #13
    assert [item.id for item in figures.oldest_open] == [9, 3, 1, 5, 10]
    with pytest.raises(UnknownUnit):
        await service.scope_of_unit("nowhere")


async def test_week_boundaries_in_local_time(service: DigestService) -> None:
    b = Scope(frozenset({"xa-b"}))
    w49 = await service.build(b, parse_period("2026-W49", VN), now=NOW)
    assert w49.received == 1 and w49.previous.received == 2  # #11 (Mon 00:00) vs #10 and #12
    sunday = await service.build(b, parse_period("2026-11-29 2026-11-29", VN), now=NOW)
    assert sunday.received == 1 and sunday.previous.received == 0  # #10 at 23:59:59; Saturday: none
    assert [item.id for item in sunday.oldest_open] == [10]
    a = Scope(frozenset({"xa-a"}))
    w47 = await service.build(a, parse_period("2026-W47", VN), now=NOW)
    assert w47.received == 2  # #1 (Sunday 23:59:59) and #6; #3 is the police post's
    assert (w47.open, w47.overdue) == (2, 1)  # #1 and #9 at Monday 00:00; #9 overdue since 16/11


async def test_a_period_not_over_yet_ages_tickets_now(service: DigestService) -> None:
    now = datetime(2026, 11, 27, 3, tzinfo=UTC)  # Friday 10:00 local
    figures = await service.build(Scope(frozenset({"xa-b"})), W48, now=now)
    assert figures.as_of == now
    assert figures.to_json()["urgent"] == []


async def test_no_citizen_name_or_text_in_the_json(service: DigestService) -> None:
    dumped = json.dumps((await service.build(Scope.everything(), W48, now=NOW)).to_json(), ensure_ascii=False)
    assert CITIZEN_NAME not in dumped and CITIZEN_USERNAME not in dumped and "555000111" not in dumped
